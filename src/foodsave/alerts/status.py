"""Parts this area adds to `/v1/status`: shared index versions and age, queue depth, the OCR engine
with Polish data, and the LLM provider. None is required: a missing part degrades, never downs, the API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from foodsave.alerts.metrics_source import read_index_pointers
from foodsave.errors import Unavailable
from foodsave.services import Services

OCR_CACHE_SECONDS = 300.0
_ocr_cache: tuple[float, dict[str, Any]] | None = None
_ocr_lock = threading.Lock()


def index_status(services: Services) -> dict[str, Any]:
    found, missing = read_index_pointers(services.store, services.clock.now())
    info: dict[str, Any] = {
        i.name: {
            "version": i.version,
            "published_at": i.published_at.isoformat(),
            "age_seconds": round(i.age_seconds),
        }
        for i in found
    }
    if missing:
        raise Unavailable(f"no published index: {', '.join(missing)}")
    return info


def queue_status(services: Services) -> dict[str, Any]:
    """The index jobs' queue depth and dead letters, and the receipt queue's under `receipts`."""
    info = _depths(services.queue)
    if services.receipt_queue is not None:
        info["receipts"] = _depths(services.receipt_queue)
    return info


def _depths(queue: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"depth": queue.depth()}
    dlq_depth = getattr(queue, "dlq_depth", None)
    if dlq_depth is not None:
        info["dead_letters"] = dlq_depth()
    return info


def _probe_ocr(services: Services) -> dict[str, Any]:
    from foodsave.receipts.ocr import engine_available

    if not engine_available(services.settings.ocr_engine):
        raise Unavailable(f"OCR engine {services.settings.ocr_engine!r} with Polish data is not available")
    return {"engine": services.settings.ocr_engine, "lang": "pol"}


def ocr_status(services: Services, *, now: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """The OCR engine with `pol`, checked at most every five minutes (it starts a process)."""
    global _ocr_cache
    if services.settings.env == "aws":
        # The status route runs in alert-evaluator, which has no OCR layer; the ocr function's health is
        # watched through the ocr-failure-rate and error-rate-ocr rules instead.
        return {"checked_in": "ocr function", "watched_by": ["ocr-failure-rate", "error-rate-ocr"]}
    with _ocr_lock:
        if _ocr_cache is not None and now() - _ocr_cache[0] < OCR_CACHE_SECONDS:
            return _ocr_cache[1]
    info = _probe_ocr(services)
    with _ocr_lock:
        _ocr_cache = (now(), info)
    return info


def llm_status(services: Services) -> dict[str, Any]:
    settings = services.settings
    if settings.llm_provider == "offline":
        return {"provider": "offline", "configured": True}
    return {
        "provider": settings.llm_provider,
        "model": settings.bedrock_model_id,
        "configured": bool(settings.bedrock_model_id),
    }
