"""ASGI middleware recording Requests, Errors (5xx or an exception) and LatencyMs per function, the series
the error-rate and p95 latency rules read. The function is the one that serves the matched route."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from foodsave.alerts import catalog
from foodsave.api.functions import FUNCTION_ROUTERS
from foodsave.observability import record_metric

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
UNMATCHED = "unmatched"


def record_request(function: str, *, error: bool, latency_ms: float) -> None:
    """The three series of one request or invocation (the ocr and index-builder handlers can call it too)."""
    record_metric(catalog.REQUESTS, 1, function=function)
    record_metric(catalog.ERRORS, 1 if error else 0, function=function)
    record_metric(catalog.LATENCY_MS, latency_ms, "Milliseconds", function=function)


def function_of(scope: Scope) -> str:
    """The function serving the route the router matched (by the endpoint's router module)."""
    endpoint = scope.get("endpoint")
    module = getattr(endpoint, "__module__", "") or ""
    area = module.rsplit(".", 1)[-1] if module.startswith("foodsave.api.routers.") else None
    if area is None:
        return UNMATCHED
    for function, areas in FUNCTION_ROUTERS.items():
        if area in areas:
            return function
    return UNMATCHED


class RequestMetricsMiddleware:
    """Wraps an app; `function` fixes the dimension (per-function apps), else it follows the route."""

    def __init__(self, app: ASGIApp, function: str | None = None) -> None:
        self.app = app
        self.function = function

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 500))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            function = self.function or function_of(scope)
            if function != UNMATCHED:  # 404s for unknown paths belong to no function
                record_request(function, error=status >= 500, latency_ms=(time.perf_counter() - start) * 1000)


def install_request_metrics(app: Any, function: str | None = None) -> None:
    """`app.add_middleware(...)` for a FastAPI app (the one-line hook in foodsave.api.apps)."""
    app.add_middleware(RequestMetricsMiddleware, function=function)
