"""ocr: receipt uploads -> OCR, parse, store.

Deployed, uploads arrive as SQS batches (S3 -> EventBridge -> receipts queue): a message whose receipt
could not be stored (database down) or that announces nothing readable becomes a batch item failure, so
SQS retries it and, after a few receives, moves it to the dead-letter queue. The local runtime and
tests still invoke the function with S3's own event records: each is independent, a malformed one is
ignored, and infrastructure trouble on any of them raises once all were tried, so the caller retries.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from foodsave.bootstrap import get_services
from foodsave.observability import extracted_trace, logger, metrics, record_metric
from foodsave.receipts.service import ReceiptProcessor
from foodsave.receipts.upload_events import (
    MalformedUploadEvent,
    UploadedObject,
    is_sqs_batch,
    object_from_s3_record,
    objects_in_message,
)

batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
_processor: ReceiptProcessor | None = None


def processor() -> ReceiptProcessor:
    """One processor per warm container (it keeps the Tesseract engine loaded)."""
    global _processor
    services = get_services()
    if _processor is None or _processor.db is not services.db or _processor.store is not services.store:
        _processor = ReceiptProcessor(
            services.db,
            services.store,
            services.clock,
            max_bytes=services.settings.max_upload_bytes,
            engine_name=services.settings.ocr_engine,
            holds=services.holds,
        )
    return _processor


def process(obj: UploadedObject) -> dict[str, Any]:
    """Process one uploaded object; infrastructure errors propagate to the caller."""
    outcome = processor().process_object(obj.bucket, obj.key, obj.etag, obj.size)
    logger.info(
        "receipt record done", extra={"key": obj.key, "outcome": outcome.outcome, "status": outcome.status}
    )
    return {"key": obj.key, **outcome.__dict__}


def record_handler(record: SQSRecord) -> None:
    trace_header = record.attributes.aws_trace_header
    with extracted_trace({"X-Amzn-Trace-Id": trace_header} if trace_header else None):
        try:
            objects = objects_in_message(record.body)
        except MalformedUploadEvent as exc:
            logger.warning(
                "unreadable receipt message", extra={"id": record.message_id, "reason": exc.detail}
            )
            record_metric("ReceiptMessagePoison", 1)
            raise
        for obj in objects:
            process(obj)


def _s3_records(event: dict[str, Any]) -> dict[str, Any]:
    results = []
    for record in event.get("Records") or []:
        try:
            obj = object_from_s3_record(record)
        except MalformedUploadEvent:
            logger.warning("malformed S3 record skipped", extra={"record": str(record)[:500]})
            results.append({"outcome": "ignored", "reason": "malformed record"})
            continue
        try:
            results.append(process(obj))
        except Exception:  # noqa: BLE001 - one broken record (e.g. database down) must not hide the others
            logger.exception("receipt record failed", extra={"key": obj.key})
            record_metric("ReceiptRecordErrors", 1)
            results.append({"key": obj.key, "outcome": "error"})
    failed = sum(r.get("outcome") == "error" for r in results)
    if failed:
        # Infrastructure trouble, not bad input: let the caller retry (processing is idempotent).
        raise RuntimeError(f"{failed} receipt record(s) failed")
    return {"results": results}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        if is_sqs_batch(event):
            return process_partial_response(
                event=event, record_handler=record_handler, processor=batch, context=context
            )
        return _s3_records(event)
    finally:
        get_services().dispatch_outbox()
