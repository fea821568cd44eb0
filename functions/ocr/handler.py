"""ocr: S3 ObjectCreated events for uploads/receipts/ -> OCR, parse, store; each record independent, never raises."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from foodsave.bootstrap import get_services
from foodsave.observability import logger, metrics, record_metric
from foodsave.receipts.service import ReceiptProcessor

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
        )
    return _processor


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    results = []
    for record in event.get("Records") or []:
        try:
            s3 = record["s3"]
            bucket = s3["bucket"]["name"]
            key = unquote_plus(s3["object"]["key"])
            etag = s3["object"].get("eTag")
            size = s3["object"].get("size")
        except (KeyError, TypeError):
            logger.warning("malformed S3 record skipped", extra={"record": str(record)[:500]})
            results.append({"outcome": "ignored", "reason": "malformed record"})
            continue
        try:
            outcome = processor().process_object(bucket, key, etag, size)
        except Exception:  # noqa: BLE001 - one broken record (e.g. database down) must not hide the others
            logger.exception("receipt record failed", extra={"key": key})
            record_metric("ReceiptRecordErrors", 1)
            results.append({"key": key, "outcome": "error"})
            continue
        logger.info(
            "receipt record done", extra={"key": key, "outcome": outcome.outcome, "status": outcome.status}
        )
        results.append({"key": key, **outcome.__dict__})
    get_services().dispatch_outbox()
    if any(r.get("outcome") == "error" for r in results):
        # Infrastructure trouble, not bad input: let Lambda retry (processing is idempotent).
        raise RuntimeError(f"{sum(r.get('outcome') == 'error' for r in results)} receipt record(s) failed")
    return {"results": results}
