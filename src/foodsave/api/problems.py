"""RFC 9457 problem+json for every error: domain errors, validation, unknown routes, outages; never a stack trace."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from foodsave.db.session import is_outage
from foodsave.errors import FoodSaveError
from foodsave.observability import logger

PROBLEM = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 413: "Payload too large", 415: "Unsupported media type", 422: "Invalid input",
          429: "Too many requests", 500: "Internal error", 503: "Service unavailable"}  # fmt: skip


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": type_,
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


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append(
            {
                "loc": [str(p) for p in err.get("loc", ())],
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
        )
    return out


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(FoodSaveError)
    async def _domain(_: Request, exc: FoodSaveError) -> JSONResponse:
        return problem(exc.status, exc.detail, title=exc.title, type_=f"urn:foodsave:problem:{exc.code}")

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(422, "The request does not match the schema.", errors=_validation_errors(exc))

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
            return problem(409, "The data changed at the same time; reload and try again.")
        if is_outage(exc):
            logger.error("database unavailable", extra={"error": type(exc).__name__})
            return problem(503, "The database is unavailable; try again shortly.")
        logger.exception("database error")
        return problem(500, "The request could not be completed.")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"error": type(exc).__name__})
        return problem(500, "The request could not be completed.")
