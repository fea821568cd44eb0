"""The published OpenAPI contract: errors as application/problem+json, bearer auth, and the statuses every
route can answer (401 without a user, 404 for ids that are not the caller's, 422 for bad input, 503 when a
dependency is down)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PUBLIC_PATHS = {"/health", "/v1/status"}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
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
    "400": "The body is not valid JSON or not the expected shape",
    "401": "No authenticated user",
    "404": "No such resource for this user",
    "422": "Invalid input",
    "503": "A dependency (database, object store, index) is down; retry",
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


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
            wanted = {"503"}
            if path not in PUBLIC_PATHS:
                wanted |= {"401", "404"}  # ids may also come in the body or the query
                op["security"] = [{"bearer": []}]
            if "{" in path:
                wanted.add("404")
            if op.get("parameters") or op.get("requestBody"):
                wanted.add("422")
            if op.get("requestBody"):
                wanted.add("400")
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
