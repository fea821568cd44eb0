"""One scheduled run of the alert evaluator: publish outbox stragglers, then evaluate alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from foodsave.wiring import Services


def run_scheduled(services: Services, now: datetime | None = None) -> dict[str, Any]:
    """Everything the EventBridge schedule triggers; returns counts of what changed."""
    now = now or services.clock.now()
    published = services.dispatch_outbox()
    return {"at": now.isoformat(), "outbox_published": published}
