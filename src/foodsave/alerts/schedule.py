"""One scheduled run of the alert evaluator: publish outbox stragglers, create expiry notifications,
evaluate the operational rules, purge old conversations, publish what the run produced. Each part runs
in its own transaction, so one failing part does not stop the others; the result counts what changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from foodsave.alerts import catalog
from foodsave.alerts.evaluator import AlertEvaluator
from foodsave.alerts.food import ExpiryNotifier
from foodsave.alerts.metrics_source import purge_metric_points
from foodsave.alerts.rules import seed_default_rules
from foodsave.observability import logger, record_metric, span
from foodsave.ports import Clock, EventBus

if TYPE_CHECKING:
    from foodsave.services import Services


class _FixedClock:
    def __init__(self, when: datetime) -> None:
        self._when = when

    def now(self) -> datetime:
        return self._when


def dispatch(services: Services, bus: EventBus, clock: Clock) -> int:
    """Publish pending outbox events through `bus` (best effort: the next run retries)."""
    from foodsave.outbox import dispatch_pending

    try:
        with services.db.session() as session:
            return dispatch_pending(session, bus, clock)
    except Exception:  # noqa: BLE001 - events stay in the outbox for the next run
        logger.exception("outbox dispatch failed")
        return 0


def _purge_conversations(services: Services, clock: Clock) -> dict[str, Any]:
    from foodsave.agents.memory import purge_expired_conversations

    with services.db.session() as session:
        purged = purge_expired_conversations(
            session, clock.now(), services.settings.conversation_retention_days
        )
    return {"conversations_purged": int(purged or 0)}


def _receipt_leases(services: Services, clock: Clock) -> dict[str, Any]:
    """Receipts whose reading claim outlived its lease are queued for OCR again or failed (bounded)."""
    from foodsave.receipts.recovery import check_leases, redeliver

    if services.receipt_queue is None:
        return {}
    checked = check_leases(services.db, services.store, clock.now())
    redeliver(services.receipt_queue, services.store.bucket, checked.requeued)
    return {"receipts_requeued": len(checked.requeued), "receipts_given_up": len(checked.failed)}


def _abandoned_uploads(services: Services, clock: Clock) -> dict[str, Any]:
    from foodsave.receipts.service import expire_abandoned_uploads

    with services.db.session() as session:
        return {"receipts_abandoned": expire_abandoned_uploads(session, clock.now(), store=services.store)}


def run_scheduled(services: Services, now: datetime | None = None) -> dict[str, Any]:
    """Everything the EventBridge schedule triggers; returns counts of what changed."""
    clock: Clock = _FixedClock(now) if now is not None else services.clock
    at = clock.now()
    bus = services.bus
    result: dict[str, Any] = {"at": at.isoformat(), "outbox_published": dispatch(services, bus, clock)}
    changes: list[dict[str, Any]] = []
    failed: list[str] = []

    def part(name: str, work: Callable[[], dict[str, Any]]) -> None:
        try:
            with span(f"alerts.scheduled.{name}"):
                result.update(work())
        except Exception:  # noqa: BLE001 - a failing part is reported; the others still run
            logger.exception("scheduled part failed", extra={"part": name})
            failed.append(name)

    def seed() -> dict[str, Any]:
        with services.db.session() as session:
            return {"alert_rules_seeded": seed_default_rules(session)}

    def food() -> dict[str, Any]:
        with services.db.session() as session:
            outcome = ExpiryNotifier(session, clock).run()
        return {**outcome.counts(), "notification_ids": outcome.created}

    def operational() -> dict[str, Any]:
        source = services.metrics_source
        with services.db.session() as session:
            outcome = AlertEvaluator(session, source, clock).evaluate()
        changes.extend(t.to_dict() for t in outcome.transitions)
        return outcome.counts()

    def retention() -> dict[str, Any]:
        out = _purge_conversations(services, clock)
        if services.settings.env == "local":  # metric_points is the local metrics store only
            with services.db.session() as session:
                out["metric_points_purged"] = purge_metric_points(session, clock.now())
        return out

    part("seed", seed)
    part("food", food)
    part("operational", operational)
    part("retention", retention)
    part("receipt_leases", lambda: _receipt_leases(services, clock))
    part("abandoned_uploads", lambda: _abandoned_uploads(services, clock))
    result["outbox_published"] += dispatch(services, bus, clock)
    result["alert_changes"] = changes
    result["failed"] = failed
    record_metric(catalog.REQUESTS, 1, function="alert-evaluator")
    if failed:
        record_metric(catalog.ERRORS, 1, function="alert-evaluator")
    return result
