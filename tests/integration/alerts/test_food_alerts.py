"""Expiry notifications: once per item and threshold, never for finished items, never at night in the
user's zone (deferred to the morning), with recipes, delivered through the outbox, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from foodsave.alerts.food import ExpiryNotifier
from foodsave.alerts.schedule import dispatch
from foodsave.db.models import Notification, OutboxEvent
from tests.integration.alerts.conftest import local_date


def _run(services, suggester=None):
    with services.db.session() as session:
        return ExpiryNotifier(session, services.clock, suggester=suggester).run()


def _notifications(services):
    with services.db.session() as session:
        return session.scalars(
            select(Notification).order_by(Notification.created_at, Notification.kind)
        ).all()


def test_item_inside_the_window_gets_one_notification_with_item_days_and_recipes(
    services, clock, make_user, add_item
):
    user = make_user()
    item = add_item(user, "Banany 1kg", local_date(clock, days=1))
    result = _run(services)
    assert len(result.created) == 1
    (n,) = _notifications(services)
    assert (n.user_id, n.kind, n.threshold, n.pantry_item_id) == (user, "expiring", 2, item)
    assert n.payload["item"] == {
        "id": item,
        "name": "Banany 1kg",
        "expires_at": local_date(clock, days=1).isoformat(),
    }
    assert n.payload["days_left"] == 1
    assert 1 <= len(n.payload["recipes"]) <= 3
    assert n.payload["message"] == "Banany 1kg: termin ważności mija jutro"


def test_the_next_run_does_not_repeat_a_notification(services, clock, make_user, add_item):
    user = make_user()
    add_item(user, "Jogurt", local_date(clock, days=2))
    assert len(_run(services).created) == 1
    clock.advance(hours=1)
    assert _run(services).created == []
    assert len(_notifications(services)) == 1


def test_an_item_that_then_expires_gets_its_expired_notification(services, clock, make_user, add_item):
    user = make_user()
    add_item(user, "Kefir", local_date(clock, days=0))
    _run(services)
    clock.advance(days=1)
    _run(services)
    assert [(n.kind, n.payload["days_left"]) for n in _notifications(services)] == [
        ("expiring", 0),
        ("expired", -1),
    ]


def test_an_expired_notification_suggests_no_recipe_to_cook_with_it(services, clock, make_user, add_item):
    user = make_user()
    add_item(user, "Jajka", local_date(clock, days=-2))
    _run(services)
    [notification] = _notifications(services)
    assert (notification.kind, notification.payload["recipes"]) == ("expired", [])
    assert notification.payload["message"].endswith("Sprawdź, zanim zjesz, albo wyrzuć.")


def test_items_outside_the_window_without_date_or_finished_get_nothing(services, clock, make_user, add_item):
    user = make_user()
    add_item(user, "Ryż", local_date(clock, days=3))
    add_item(user, "Sól", None)
    add_item(user, "Mleko", local_date(clock, days=1), status="consumed")
    add_item(user, "Ser", local_date(clock, days=-1), status="discarded")
    add_item(user, "Stary chleb", local_date(clock, days=-30))
    assert _run(services).created == []


def test_the_warning_window_is_per_user(services, clock, make_user, add_item):
    cautious = make_user("dev:cautious", window=5)
    relaxed = make_user("dev:relaxed", window=0)
    add_item(cautious, "Masło", local_date(clock, days=4))
    add_item(relaxed, "Masło", local_date(clock, days=1))
    _run(services)
    (n,) = _notifications(services)
    assert (n.user_id, n.threshold) == (cautious, 5)


def test_notifications_wait_for_the_morning_in_the_users_zone(services, clock, make_user, add_item):
    clock.set(datetime(2025, 1, 15, 21, 30, tzinfo=UTC))  # 22:30 in Warsaw, 16:30 in New York
    warsaw = make_user("dev:warsaw")
    new_york = make_user("dev:ny", tz="America/New_York")
    add_item(warsaw, "Twaróg", local_date(clock, days=1))
    ny_item = add_item(new_york, "Bagels", local_date(clock, "America/New_York", days=1))
    night = _run(services)
    assert night.deferred == 1
    assert [n.pantry_item_id for n in _notifications(services)] == [ny_item]
    clock.set(datetime(2025, 1, 16, 6, 59, tzinfo=UTC))  # 07:59 in Warsaw: still quiet
    assert _run(services).created == []
    clock.set(datetime(2025, 1, 16, 7, 0, tzinfo=UTC))  # 08:00 in Warsaw: the deferred one goes out
    morning = _run(services)
    assert len(morning.created) == 1 and morning.deferred == 0
    (warsaw_n,) = [n for n in _notifications(services) if n.user_id == warsaw]
    assert warsaw_n.payload["days_left"] == 0  # counted again in the morning, in Warsaw's day


def test_days_left_are_counted_in_the_users_zone_across_midnight(services, clock, make_user, add_item):
    clock.set(datetime(2025, 1, 15, 23, 30, tzinfo=UTC))  # 00:30 on the 16th in Warsaw: quiet there
    tokyo = make_user("dev:tokyo", tz="Asia/Tokyo", window=0)  # 08:30 on the 16th in Tokyo
    add_item(tokyo, "Tofu", datetime(2025, 1, 16).date())
    add_item(tokyo, "Natto", datetime(2025, 1, 17).date())
    _run(services)
    (n,) = _notifications(services)
    assert (n.payload["item"]["name"], n.payload["days_left"]) == ("Tofu", 0)


def test_unavailable_suggestions_never_fail_the_run(services, clock, make_user, add_item):
    def broken(name):
        raise RuntimeError("recipe index down")

    add_item(make_user(), "Mleko", local_date(clock, days=1))
    assert len(_run(services, suggester=broken).created) == 1
    assert _notifications(services)[0].payload["recipes"] == []


def test_each_notification_is_handed_to_the_outbox_and_published(services, clock, make_user, add_item):
    user = make_user()
    add_item(user, "Śmietana", local_date(clock, days=2))
    (notification_id,) = _run(services).created
    with services.db.session() as session:
        (event,) = session.scalars(select(OutboxEvent)).all()
        assert (event.type, event.user_id) == ("NotificationCreated", user)
    assert dispatch(services, services.bus, services.clock) == 1
    (published,) = services.bus.published()
    assert published.data["notification_id"] == notification_id
    assert published.data["item"]["name"] == "Śmietana"
