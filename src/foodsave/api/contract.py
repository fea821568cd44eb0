"""The published OpenAPI contract: errors as application/problem+json, bearer auth, and the statuses every
route can answer (401 without a user, 404 for ids that are not the caller's, 422 for bad input, 503 when a
dependency is down)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from foodsave.api.idempotency import KEY_PATTERN

PUBLIC_PATHS = {"/health", "/v1/status"}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": (
        "RFC 9457 problem details. `type` is `urn:foodsave:problem:<code>`: `MalformedJson` (400, the body is "
        "not JSON), `UnknownQueryParameter` (400), `ValidationFailed` (422, see `errors`), `TokenMissing`, "
        "`TokenMalformed`, `TokenExpired`, `TokenInvalid` (401), `NotFound`, `Conflict`, "
        "`PreconditionFailed` (412, a stale `If-Match`), `IdempotencyKeyReused` (422), "
        "`DatabaseUnavailable` (503) and the domain codes of each route."
    ),
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:foodsave:problem:ValidationFailed"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "422 ValidationFailed only: where and why, never the submitted value",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}
STANDARD = {
    "400": "A query parameter the route does not take, or a body that is not JSON",
    "401": "No authenticated user",
    "404": "No such resource for this user",
    "409": "Conflict (for example the Idempotency-Key is still in use by a running request)",
    "422": "Invalid input",
    "503": "A dependency (database, object store, index) is down; retry",
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "A key of your choice (a UUID), the same for every retry of one request: the first 2xx answer is "
        "replayed for 24 hours (with `Idempotent-Replayed: true`); the same key with another body answers "
        "422 `IdempotencyKeyReused`, and 409 `IdempotencyKeyInUse` while the first request still runs (or "
        "`IdempotencyKeyApplied` when it was applied but its answer was lost as the service stopped)."
    ),
    "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255, "minLength": 1},
    "example": "7f8c1a4e-5d0b-4a53-9f3e-2b6f1c7d8e90",
}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def contract_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (Cognito); locally dev-<name>"}
    }
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = op.setdefault("responses", {})
            wanted = {"400", "503"}
            if path not in PUBLIC_PATHS:
                wanted |= {"401", "404"}  # ids may also come in the body or the query
                op["security"] = [{"bearer": []}]
            if "{" in path:
                wanted.add("404")
            if method == "post" and path not in PUBLIC_PATHS:
                op.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
                wanted |= {"409", "422"}
            if op.get("parameters") or op.get("requestBody"):
                wanted.add("422")
            for code in wanted:
                responses.setdefault(code, {"description": STANDARD[code]})
            for code, response in responses.items():
                if code[0] in "45":
                    description = response.get("description") or STANDARD.get(code, "Error")
                    keep = {k: v for k, v in response.items() if k not in ("content", "description")}
                    responses[code] = {**_problem_response(description), **keep}
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and unused not in str(spec["paths"]):
            del schemas[unused]
    app.openapi_schema = spec
    return spec


def install_contract(app: FastAPI) -> None:
    app.openapi = lambda: contract_openapi(app)  # type: ignore[method-assign]
