"""index-builder: SQS batches of index jobs -> build and publish indexes; poison items become batch failures."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from foodsave.bootstrap import get_services
from foodsave.observability import extracted_trace, logger, metrics, record_metric
from foodsave.vectors.jobs import IndexJobRunner, PoisonMessage

# An all-poison batch still answers with its item failures (not an exception), so SQS retries and then
# dead-letters exactly those messages.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
_runner: IndexJobRunner | None = None


def runner() -> IndexJobRunner:
    """One runner per warm container (it keeps the embedder loaded)."""
    global _runner
    services = get_services()
    if _runner is None or _runner.services is not services:
        _runner = IndexJobRunner(services)
    return _runner


def record_handler(record: SQSRecord) -> None:
    trace_header = record.attributes.aws_trace_header
    with extracted_trace({"X-Amzn-Trace-Id": trace_header} if trace_header else None):
        try:
            runner().run_body(record.body)
        except PoisonMessage as exc:
            logger.warning("poison index job", extra={"message_id": record.message_id, "reason": exc.detail})
            record_metric("IndexJobPoison", 1)
            raise


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
