"""alert-evaluator: the EventBridge schedule (food and operational alerts) and the alerts/notifications/status API."""

from typing import Any

from foodsave.bootstrap import get_services
from foodsave.observability import logger, metrics, span
from foodsave.runtime.lambda_api import api_handler

_api = api_handler("alert-evaluator")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def _scheduled(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Loaded by the schedule only: an API request never evaluates rules (a snapshot imports it beforehand).
    # The event is read as a plain dict: Powertools' event classes load every event type (~30 ms) to read one list.
    from foodsave.alerts.schedule import run_scheduled

    with span("alert-evaluator.scheduled", rule=",".join(event.get("resources") or [])):
        result = run_scheduled(get_services())
    logger.info("scheduled evaluation done", extra={"result": result})
    return result


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("source") == "aws.events" or event.get("detail-type") == "Scheduled Event":
        return _scheduled(event, context)
    return _api(event, context)
