"""Helpers of the alerts tests: the frozen clock, metric points, users and pantry items written directly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from foodsave.db.models import MetricPoint, PantryItem, User
from foodsave.households.membership import household_of
from foodsave.text import normalize_name


@pytest.fixture
def clock(services):
    return services.clock


@pytest.fixture
def points(services, clock):
    """points(name, values, ago=timedelta(minutes=1), **dimensions): metric samples as the local sink stores them."""

    def add(name: str, values, ago: timedelta = timedelta(minutes=1), **dimensions: str) -> None:
        with services.db.session() as session:
            for value in values:
                session.add(
                    MetricPoint(
                        name=name, value=float(value), dimensions=dimensions or None, at=clock.now() - ago
                    )
                )

    return add


@pytest.fixture
def make_user(services):
    def make(sub: str = "dev:anna", tz: str = "Europe/Warsaw", window: int = 2, locale: str = "pl") -> str:
        with services.db.session() as session:
            user = User(external_sub=sub, timezone=tz, expiry_warning_days=window, locale=locale)
            session.add(user)
            session.flush()
            return user.id

    return make


@pytest.fixture
def add_item(services):
    def add(user_id: str, name: str, expires_at: date | None, status: str = "active") -> str:
        with services.db.session() as session:
            item = PantryItem(
                user_id=user_id,
                household_id=household_of(session, user_id),
                name=name,
                normalized_name=normalize_name(name),
                expires_at=expires_at,
                status=status,
            )
            session.add(item)
            session.flush()
            return item.id

    return add


def local_date(clock, tz: str = "Europe/Warsaw", days: int = 0) -> date:
    from zoneinfo import ZoneInfo

    now: datetime = clock.now()
    return now.astimezone(ZoneInfo(tz)).date() + timedelta(days=days)
