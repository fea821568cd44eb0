"""Lambda entry for the API functions: FastAPI behind Mangum, with Powertools logging and metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from foodsave.observability import (
    TRACE_HEADER,
    configure_tracing,
    extracted_trace,
    inject_trace,
    logger,
    metrics,
    span,
)


def api_handler(name: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Build the app once per container and return the Lambda handler serving it; each router is mounted
    when the first request for its paths arrives (all of them before a SnapStart snapshot)."""
    from mangum import Mangum

    from foodsave.api.apps import routerless_app
    from foodsave.api.functions import FIRST_USE_MODULES, FUNCTION_ROUTERS, ROUTER_PREFIXES
    from foodsave.api.lazy_routers import RouterLoader
    from foodsave.runtime import snapstart

    configure_tracing()
    routers = RouterLoader(routerless_app(name), FUNCTION_ROUTERS[name], ROUTER_PREFIXES)
    adapter = Mangum(routers.app, lifespan="off")
    snapstart.register(FIRST_USE_MODULES.get(name, ()), routers.mount_all)

    @logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with extracted_trace(event.get("headers") or {}), span(f"{name}.request", route=event.get("rawPath")):
            _connect_ahead(event)
            # FastAPI's own server span reads only the request headers: hand it the Lambda's trace.
            header = inject_trace().get(TRACE_HEADER)
            if header:
                event.setdefault("headers", {})["x-amzn-trace-id"] = header
            return adapter(event, context)  # type: ignore[arg-type]

    return handler


def _connect_ahead(event: dict[str, Any]) -> None:
    """A cold container's first signed-in request (every one of them reads the user from the database): build the
    services and open the database connection on a thread of its own, so that its round trips overlap the work
    of mounting the routes the request needs. A request without credentials (health, a CORS preflight, a 401 to
    be) builds nothing ahead. A failure here is logged and left to the request, which builds the services itself
    and meets and answers the failure where it always did (problem+json)."""
    from foodsave.bootstrap import built_services, get_services

    if built_services() is not None or not _signed_in(event):
        return
    try:
        services = get_services()
    except Exception as exc:  # noqa: BLE001 - the request builds them again and answers the failure
        logger.warning("building the services ahead of the first request failed", extra={"error": repr(exc)})
        return
    services.db.connect_ahead()


def _signed_in(event: dict[str, Any]) -> bool:
    """The request carries credentials: claims API Gateway verified, or an Authorization header."""
    from foodsave.api.claims import event_claims

    headers = event.get("headers") or {}
    return bool(event_claims(event)) or any(key.lower() == "authorization" for key in headers)
