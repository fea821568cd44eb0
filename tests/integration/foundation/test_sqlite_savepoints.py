"""SQLite: a savepoint opened outside a transaction (a chat turn's agent runs in one) begins none. Its reads pin
no snapshot, so its first write waits for the write lock instead of failing with "database is locked" when
another connection committed in between; a block that only reads holds no lock; releasing it commits nothing
before the unit of work does, and rolling back to it undoes exactly what was written under it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from foodsave.adapters.local import FrozenClock
from foodsave.db.models import User
from foodsave.db.session import Database


@pytest.fixture
def db(sqlite_url):
    database = Database(sqlite_url, pool_size=2, clock=FrozenClock())
    yield database
    database.dispose()


def _users(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(User.external_sub)))


def _commit_user_elsewhere(db: Database, sub: str) -> bool:
    """Another connection adds a user; True when it committed within ten seconds."""
    done = threading.Event()

    def write() -> None:
        with db.session() as other:
            other.add(User(external_sub=sub))
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(10.0)


def test_a_write_after_reads_in_a_savepoint_succeeds_when_another_connection_writes_meanwhile(db):
    with db.session() as session:
        with session.begin_nested():
            before = session.scalar(select(func.count()).select_from(User))
            assert _commit_user_elsewhere(db, "dev:other")
            session.add(User(external_sub="dev:mine"))
            session.flush()
    with db.session() as session:
        after = session.scalar(select(func.count()).select_from(User))
    assert after == before + 2


def test_a_savepoint_that_has_only_read_holds_no_write_lock(db):
    with db.session() as session:
        with session.begin_nested():
            session.scalar(select(func.count()).select_from(User))
            committed = _commit_user_elsewhere(db, "dev:other")
    assert committed


def test_writes_under_a_released_savepoint_are_undone_when_the_unit_of_work_rolls_back(db):
    with pytest.raises(RuntimeError), db.session() as session:
        with session.begin_nested():
            session.add(User(external_sub="dev:mine"))
            session.flush()
        raise RuntimeError("the unit of work fails after its savepoint")
    assert "dev:mine" not in _users(db)


def test_rolling_back_to_a_savepoint_undoes_its_writes_and_keeps_the_later_ones(db):
    with db.session() as session:
        with pytest.raises(RuntimeError), session.begin_nested():
            session.add(User(external_sub="dev:undone"))
            session.flush()
            raise RuntimeError("the block under the savepoint fails")
        session.add(User(external_sub="dev:kept"))
    assert {"dev:undone", "dev:kept"} & _users(db) == {"dev:kept"}


def test_a_savepoint_inside_a_transaction_rolls_back_to_the_writes_made_before_it(db):
    with db.session() as session:
        session.add(User(external_sub="dev:before"))
        session.flush()
        with pytest.raises(RuntimeError), session.begin_nested():
            session.add(User(external_sub="dev:undone"))
            session.flush()
            raise RuntimeError("the block under the savepoint fails")
    assert {"dev:before", "dev:undone"} & _users(db) == {"dev:before"}
