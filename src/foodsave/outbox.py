"""Transactional outbox: events are stored with the change that caused them and published after commit,
so a crash between the two never loses an event (the evaluator's schedule re-sends stragglers)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from foodsave.db.models import OutboxEvent
from foodsave.events import Event
from foodsave.observability import inject_trace, logger
from foodsave.ports import Clock, EventBus


def record(session: Session, event: Event) -> Event:
    """Add `event` to the outbox inside the caller's transaction."""
    if not event.trace:
        event = Event(**{**event.__dict__, "trace": inject_trace()})
    session.add(OutboxEvent(id=event.id, type=event.type, user_id=event.user_id, payload=event.to_dict()))
    return event


def dispatch_pending(session: Session, bus: EventBus, clock: Clock, *, limit: int = 100) -> int:
    """Publish undelivered events in order; each one marked once the bus accepted it."""
    rows = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.dispatched_at.is_(None))
        .order_by(OutboxEvent.created_at)
        .limit(limit)
    ).all()
    sent = 0
    for row in rows:
        row.attempts += 1
        try:
            bus.publish(Event.from_dict(row.payload))
        except Exception:  # noqa: BLE001 - keep it for the next run; the bus may be down
            logger.warning("outbox publish failed", extra={"event_id": row.id, "event_type": row.type})
            break
        row.dispatched_at = clock.now()
        sent += 1
    return sent
