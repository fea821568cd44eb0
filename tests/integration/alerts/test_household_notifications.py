"""Expiry notifications in a household: every member is told about the shared items, each in their own time
zone, quiet hours and warning window, once per item, threshold and member (a unique constraint holds it)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from foodsave.alerts.food import ExpiryNotifier
from foodsave.db.models import HouseholdMember, Notification
from foodsave.households.membership import household_of
from tests.integration.alerts.conftest import local_date


def _run(services):
    with services.db.session() as session:
        return ExpiryNotifier(session, services.clock).run()


def _join(services, member: str, owner: str) -> None:
    """`member` moves into `owner`'s household (what accepting an invite does to the membership row)."""
    with services.db.session() as session:
        target = household_of(session, owner)
        household_of(session, member)
        row = session.scalar(select(HouseholdMember).where(HouseholdMember.user_id == member))
        assert row is not None
        row.household_id, row.role = target, "member"


def _by_user(services) -> dict[str, list[tuple[str, int]]]:
    with services.db.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.created_at)).all()
        out: dict[str, list[tuple[str, int]]] = {}
        for n in rows:
            out.setdefault(n.user_id, []).append((n.kind, n.payload["days_left"]))
        return out


def test_every_member_is_notified_once_of_a_shared_item(services, clock, make_user, add_item):
    anna, ben = make_user("dev:anna"), make_user("dev:ben")
    _join(services, ben, anna)
    add_item(anna, "Jogurt", local_date(clock, days=1))
    assert len(_run(services).created) == 2
    clock.advance(hours=1)
    assert _run(services).created == []
    assert _by_user(services) == {anna: [("expiring", 1)], ben: [("expiring", 1)]}


def test_each_member_is_notified_in_their_own_quiet_hours(services, clock, make_user, add_item):
    clock.set(datetime(2025, 1, 15, 21, 30, tzinfo=UTC))  # 22:30 in Warsaw (quiet), 16:30 in New York
    anna = make_user("dev:anna", tz="Europe/Warsaw")
    ben = make_user("dev:ben", tz="America/New_York")
    _join(services, ben, anna)
    add_item(anna, "Kefir", datetime(2025, 1, 16).date())
    evening = _run(services)
    assert (len(evening.created), evening.deferred) == (1, 1)
    assert list(_by_user(services)) == [ben]
    clock.set(datetime(2025, 1, 16, 7, 0, tzinfo=UTC))  # 08:00 in Warsaw
    assert len(_run(services).created) == 1
    assert sorted(_by_user(services)) == sorted([anna, ben])


def test_each_member_is_warned_within_their_own_window(services, clock, make_user, add_item):
    anna = make_user("dev:anna", window=1)
    ben = make_user("dev:ben", window=5)
    _join(services, ben, anna)
    add_item(anna, "Ser", local_date(clock, days=3))
    _run(services)
    assert _by_user(services) == {ben: [("expiring", 3)]}


def test_a_second_notification_for_the_same_member_item_and_threshold_is_refused(
    services, clock, make_user, add_item
):
    anna = make_user("dev:anna")
    item = add_item(anna, "Mleko", local_date(clock, days=1))
    with pytest.raises(IntegrityError), services.db.session() as session:
        for _ in range(2):
            session.add(
                Notification(user_id=anna, kind="expiring", pantry_item_id=item, threshold=2, payload={})
            )
            session.flush()


def test_members_of_other_households_are_not_notified(services, clock, make_user, add_item):
    anna = make_user("dev:anna")
    make_user("dev:carl")
    add_item(anna, "Jogurt", local_date(clock, days=1))
    _run(services)
    assert list(_by_user(services)) == [anna]
