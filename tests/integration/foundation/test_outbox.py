"""Transactional outbox: an event written with its change is delivered even if publishing fails at first."""

from __future__ import annotations

import pytest

from foodsave.events import Event
from foodsave.outbox import dispatch_pending, record


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
        record(s, Event(type="ReceiptParsed", user_id=None, data={"receipt_id": "r1"}))
    bus = FlakyBus(failures=1)
    with services.db.session() as s:
        assert dispatch_pending(s, bus) == 0
    with services.db.session() as s:
        assert dispatch_pending(s, bus) == 1
    with services.db.session() as s:
        assert dispatch_pending(s, bus) == 0
    assert [e.data for e in bus.delivered] == [{"receipt_id": "r1"}]


def test_event_of_a_rolled_back_change_is_never_published(services):
    with pytest.raises(RuntimeError):
        with services.db.session() as s:
            record(s, Event(type="ReceiptParsed", user_id=None, data={}))
            raise RuntimeError("crash before commit")
    bus = FlakyBus(failures=0)
    with services.db.session() as s:
        assert dispatch_pending(s, bus) == 0
