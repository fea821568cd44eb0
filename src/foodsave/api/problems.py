"""RFC 9457 problem+json for every error: domain errors, validation, unknown routes, outages; never a stack trace.

Every problem has a `type` URN `urn:foodsave:problem:<code>`: domain errors use their code, framework errors
one per status (`NotFound`, `MethodNotAllowed`, ...), a body that is not JSON is `MalformedJson` (400) and a
body or query that does not match the schema is `ValidationFailed` (422) with a list of field errors that
never repeats the submitted value.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from foodsave.db.session import is_outage
from foodsave.errors import FoodSaveError
from foodsave.observability import logger

PROBLEM = "application/problem+json"
URN = "urn:foodsave:problem:"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 412: "Precondition failed", 413: "Payload too large", 415: "Unsupported media type",
          422: "Invalid input", 428: "Precondition required", 429: "Too many requests", 500: "Internal error",
          503: "Service unavailable"}  # fmt: skip
# The problem type of errors the framework raises, by status.
CODES = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
         409: "Conflict", 412: "PreconditionFailed", 413: "TooLarge", 415: "UnsupportedMedia",
         422: "InvalidInput", 428: "PreconditionRequired", 429: "TooManyRequests", 500: "InternalError",
         503: "Unavailable"}  # fmt: skip
M = TypeVar("M", bound=BaseModel)
MALFORMED_JSON = "MalformedJson"
VALIDATION_FAILED = "ValidationFailed"


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": URN + (code or CODES.get(status, "Error")),
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if status == 503:
        headers.setdefault("Retry-After", "5")
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def field_errors(errors: Any) -> list[dict[str, Any]]:
    """Where and why, without the submitted value, its context or a link to library documentation."""
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in errors
    ]


def parse_body(model: type[M], raw: bytes, *, empty: bytes | None = None) -> M:
    """Validate a JSON body read by hand (routes that also take multipart) exactly as FastAPI would:
    not JSON -> 400 `MalformedJson`, not the schema -> 422 `ValidationFailed` with field errors."""
    try:
        return model.model_validate_json(raw or empty or b"")
    except ValidationError as exc:
        errors = [
            {**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_input=False)
        ]
        raise RequestValidationError(errors) from None


def _is_malformed_json(errors: Any) -> bool:
    return any(err.get("type") in ("json_invalid", "json_type") for err in errors)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(FoodSaveError)
    async def _domain(_: Request, exc: FoodSaveError) -> JSONResponse:
        return problem(exc.status, exc.detail, title=exc.title, code=exc.code, **exc.extensions)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if _is_malformed_json(errors):
            return problem(400, "The request body is not valid JSON.", code=MALFORMED_JSON)
        return problem(
            422, "The request does not match the schema.", code=VALIDATION_FAILED, errors=field_errors(errors)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "No such resource."
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(DBAPIError)
    async def _db_error(_: Request, exc: DBAPIError) -> JSONResponse:
        if isinstance(exc, IntegrityError):  # a concurrent change took the key or removed the row first
            logger.info("integrity conflict", extra={"error": type(exc.orig).__name__})
            return problem(409, "The data changed at the same time; reload and try again.", code="Conflict")
        if is_outage(exc):
            logger.error("database unavailable", extra={"error": type(exc).__name__})
            return problem(503, "The database is unavailable; try again shortly.", code="DatabaseUnavailable")
        logger.exception("database error")
        return problem(500, "The request could not be completed.")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"error": type(exc).__name__})
        return problem(500, "The request could not be completed.")
