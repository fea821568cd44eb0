"""Row creation and update times come from the services' clock, on SQLite and PostgreSQL alike, for ORM
flushes and INSERT/UPDATE statements; a database opened without a clock refuses to date a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import StatementError

from foodsave.adapters.local import FrozenClock
from foodsave.db.models import PantryItem, User
from foodsave.db.session import Database
from foodsave.db.timestamps import MissingClock
from foodsave.households.membership import household_of

START = datetime(2031, 2, 28, 22, 30, tzinfo=UTC)


def _user_with_milk(services) -> str:  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        user = User(external_sub="dev:anna")
        session.add(user)
        session.flush()
        home = household_of(session, user.id)
        session.add(PantryItem(user_id=user.id, household_id=home, name="Mleko", normalized_name="mleko"))
        return user.id


def test_new_rows_are_dated_by_the_services_clock(services) -> None:  # type: ignore[no-untyped-def]
    services.clock = FrozenClock(START)
    user_id = _user_with_milk(services)
    with services.db.session() as session:
        user = session.get(User, user_id)
        item = session.scalars(select(PantryItem).where(PantryItem.user_id == user_id)).one()
        assert (user.created_at, item.created_at, item.updated_at) == (START, START, START)


def test_a_changed_row_takes_the_clocks_time_as_its_update_time(services) -> None:  # type: ignore[no-untyped-def]
    clock = services.clock = FrozenClock(START)
    user_id = _user_with_milk(services)
    later = clock.advance(days=1)
    with services.db.session() as session:
        session.scalars(select(PantryItem).where(PantryItem.user_id == user_id)).one().status = "consumed"
    with services.db.session() as session:
        item = session.scalars(select(PantryItem).where(PantryItem.user_id == user_id)).one()
        assert (item.created_at, item.updated_at) == (START, later)


def test_an_explicit_time_is_kept(services) -> None:  # type: ignore[no-untyped-def]
    services.clock = FrozenClock(START)
    explicit = START - timedelta(days=400)
    with services.db.session() as session:
        user = User(external_sub="dev:bob", created_at=explicit)
        session.add(user)
    with services.db.session() as session:
        assert (
            session.scalars(select(User.created_at).where(User.external_sub == "dev:bob")).one() == explicit
        )


def test_an_update_statement_takes_the_clocks_time_as_the_update_time(services) -> None:  # type: ignore[no-untyped-def]
    clock = services.clock = FrozenClock(START)
    user_id = _user_with_milk(services)
    later = clock.advance(hours=5)
    with services.db.session() as session:
        session.execute(update(PantryItem).where(PantryItem.user_id == user_id).values(status="discarded"))
    with services.db.session() as session:
        assert (
            session.scalars(select(PantryItem.updated_at).where(PantryItem.user_id == user_id)).one() == later
        )


def test_an_insert_statement_dates_the_row_by_the_clock(services) -> None:  # type: ignore[no-untyped-def]
    services.clock = FrozenClock(START)
    with services.db.session() as session:
        session.execute(insert(User).values(id="u-ewa", external_sub="dev:ewa"))
    with services.db.session() as session:
        assert session.get(User, "u-ewa").created_at == START


def test_a_statement_run_outside_a_session_refuses_to_date_a_row(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StatementError) as info, services.db.engine.begin() as connection:
        connection.execute(insert(User).values(id="u-ola", external_sub="dev:ola"))
    assert isinstance(info.value.orig, MissingClock)


def test_a_database_is_built_with_its_clock(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="clock"):
        Database(services.db.url)  # type: ignore[call-arg]
