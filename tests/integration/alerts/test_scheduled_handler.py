"""The alert-evaluator Lambda handler fed a real-shaped EventBridge scheduled event: one run does food
alerts, operational rules and outbox publishing, and a second run changes nothing."""

from __future__ import annotations

import pytest

from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.events import scheduled_event
from foodsave.runtime.handlers import load_handler
from tests.integration.alerts.conftest import local_date

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _fire(services):
    ctx = LocalLambdaContext(function_name="foodsave-alert-evaluator")
    return load_handler("alert-evaluator")(scheduled_event(services.clock.now()), ctx)


def test_scheduled_event_creates_notifications_evaluates_rules_and_publishes(
    services, clock, make_user, add_item, points
):
    user = make_user()
    add_item(user, "Mleko", local_date(clock, days=1))
    add_item(user, "Jogurt", local_date(clock, days=-1))
    points("Requests", [1] * 20, function="vector-search")
    points("Errors", [1] * 2 + [0] * 18, function="vector-search")
    result = _fire(services)
    assert result["notifications_created"] == 2
    assert result["alert_rules_seeded"] == 12
    assert result["outbox_published"] == 2
    assert result["failed"] == []
    fired = {(c["rule"], c["to_state"]) for c in result["alert_changes"]}
    assert fired == {("error-rate-vector-search", "pending"), ("error-rate-vector-search", "firing")}
    assert [e.type for e in services.bus.published()] == ["NotificationCreated", "NotificationCreated"]


def test_a_second_run_changes_nothing(services, clock, make_user, add_item, points):
    add_item(make_user(), "Mleko", local_date(clock, days=1))
    points("Requests", [1] * 20, function="vector-search")
    points("Errors", [1] * 20, function="vector-search")
    _fire(services)
    clock.advance(minutes=1)
    again = _fire(services)
    assert (again["notifications_created"], again["alert_rules_seeded"], again["outbox_published"]) == (
        0,
        0,
        0,
    )
    assert again["alert_changes"] == []
    assert again["firing_unacknowledged"] == 1


def test_a_failing_part_is_reported_and_the_others_still_run(
    services, clock, make_user, add_item, monkeypatch
):
    class Broken:
        def value(self, query, end):
            raise RuntimeError("metrics store gone")

    services.lazy.metrics_source.set(Broken())
    add_item(make_user(), "Mleko", local_date(clock, days=1))
    result = _fire(services)
    assert result["failed"] == ["operational"]
    assert result["notifications_created"] == 1


def test_conversations_untouched_past_the_retention_are_purged(services, clock, make_user):
    from datetime import timedelta

    from sqlalchemy import select

    from foodsave.db.models import Conversation

    user = make_user()
    retention = timedelta(days=services.settings.conversation_retention_days)
    with services.db.session() as session:
        for title, age in (("old", retention + timedelta(days=1)), ("recent", retention - timedelta(days=1))):
            at = clock.now() - age
            session.add(Conversation(user_id=user, title=title, created_at=at, updated_at=at))
    assert _fire(services)["conversations_purged"] == 1
    with services.db.session() as session:
        assert session.scalars(select(Conversation.title)).all() == ["recent"]


def test_old_local_metric_samples_are_purged(services, points):
    from datetime import timedelta

    points("Requests", [1, 1], ago=timedelta(days=15), function="ocr")
    points("Requests", [1], ago=timedelta(days=1), function="ocr")
    assert _fire(services)["metric_points_purged"] == 2
