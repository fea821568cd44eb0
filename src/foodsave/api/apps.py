"""FastAPI apps: one per API function (behind Mangum on API Gateway) and the merged local app."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from fastapi import Depends, FastAPI

from foodsave import __version__
from foodsave.api.contract import install_contract
from foodsave.api.functions import FUNCTION_ROUTERS
from foodsave.api.guard import EdgeGuard
from foodsave.api.idempotency import IdempotencyMiddleware
from foodsave.api.metrics_middleware import install_request_metrics
from foodsave.api.problems import install_problem_handlers
from foodsave.api.query import reject_unknown_query
from foodsave.config import get_settings

# Each route belongs to exactly one function (FUNCTION_ROUTERS); the local runtime mounts them all.
DESCRIPTION = (
    "FoodSave AI: receipts to pantry, expiry warnings, recipes, meal plans and chat. "
    "Errors are application/problem+json (RFC 9457). Authenticate with a Cognito JWT "
    "(locally: `Authorization: Bearer dev-<name>`)."
)


def _telemetry() -> dict[str, Any]:
    """FastAPI's own request spans only where spans are exported: with no exporter they would be built on
    every request and dropped (FastAPI versions without native telemetry take no such argument)."""
    if "telemetry" not in inspect.signature(FastAPI).parameters:
        return {}
    return {"telemetry": {"tracing": get_settings().trace_exporter != "none"}}


def _build(title: str, modules: tuple[str, ...]) -> FastAPI:
    app = FastAPI(
        title=title,
        version=__version__,
        description=DESCRIPTION,
        dependencies=[Depends(reject_unknown_query)],
        **_telemetry(),
    )
    install_problem_handlers(app)
    app.add_middleware(IdempotencyMiddleware)
    install_request_metrics(app)
    install_contract(app)
    app.add_middleware(EdgeGuard, upload_limit=get_settings().max_upload_bytes)
    for name in modules:
        importlib.import_module(f"foodsave.api.routers.{name}").router.mount(app.router)
    return app


def function_app(function: str) -> FastAPI:
    """The app one Lambda function serves."""
    return _build(f"FoodSave AI – {function}", FUNCTION_ROUTERS[function])


def routerless_app(function: str) -> FastAPI:
    """The app of one function before any router is mounted (foodsave.api.lazy_routers mounts them)."""
    return _build(f"FoodSave AI – {function}", ())


def chat_app() -> FastAPI:
    return function_app("agent-chat")


def search_app() -> FastAPI:
    return function_app("vector-search")


def alerts_app() -> FastAPI:
    return function_app("alert-evaluator")


def local_app() -> FastAPI:
    """Every route of every function in one app, plus the local stand-in for S3 uploads."""
    modules = tuple(m for mods in FUNCTION_ROUTERS.values() for m in mods) + ("local_uploads",)
    return _build("FoodSave AI", modules)


def openapi_app() -> FastAPI:
    """The contract with the mobile app: every public route (the local upload stand-in is hidden)."""
    return local_app()
