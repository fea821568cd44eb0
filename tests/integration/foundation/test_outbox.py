"""Transactional outbox: an event written with its change is delivered even if publishing fails at first."""

from __future__ import annotations

import pytest

from foodsave.events import Event
from foodsave.outbox import dispatch_pending, record

AT = "2030-01-15T09:00:00+00:00"


class FlakyBus:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.delivered: list[Event] = []

    def publish(self, event: Event) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("bus down")
        self.delivered.append(event)


def test_event_survives_a_failed_publish_and_is_delivered_once(services):
    with services.db.session() as s:
        record(s, Event(type="ReceiptParsed", user_id=None, data={"receipt_id": "r1"}, occurred_at=AT))
    bus = FlakyBus(failures=1)
    with services.db.session() as s:
        assert dispatch_pending(s, bus, services.clock) == 0
    with services.db.session() as s:
        assert dispatch_pending(s, bus, services.clock) == 1
    with services.db.session() as s:
        assert dispatch_pending(s, bus, services.clock) == 0
    assert [e.data for e in bus.delivered] == [{"receipt_id": "r1"}]


def test_event_of_a_rolled_back_change_is_never_published(services):
    with pytest.raises(RuntimeError):
        with services.db.session() as s:
            record(s, Event(type="ReceiptParsed", user_id=None, data={}, occurred_at=AT))
            raise RuntimeError("crash before commit")
    bus = FlakyBus(failures=0)
    with services.db.session() as s:
        assert dispatch_pending(s, bus, services.clock) == 0


def test_a_delivered_event_is_marked_with_the_clocks_time(services):
    from sqlalchemy import select

    from foodsave.db.models import OutboxEvent

    with services.db.session() as s:
        record(s, Event(type="ReceiptParsed", user_id=None, data={}, occurred_at=AT))
    with services.db.session() as s:
        assert dispatch_pending(s, FlakyBus(failures=0), services.clock) == 1
    with services.db.session() as s:
        assert s.scalars(select(OutboxEvent.dispatched_at)).one() == services.clock.now()
