"""Lambda entry for the API functions: FastAPI behind Mangum, with Powertools logging and metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from foodsave.observability import configure_tracing, extracted_trace, logger, metrics, span


def api_handler(
    app_factory: Callable[[], FastAPI], name: str
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Build the app once per container and return the Lambda handler serving it."""
    from mangum import Mangum

    configure_tracing()
    adapter = Mangum(app_factory(), lifespan="off")

    @logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with extracted_trace(event.get("headers") or {}), span(f"{name}.request", route=event.get("rawPath")):
            return adapter(event, context)  # type: ignore[arg-type]

    return handler
