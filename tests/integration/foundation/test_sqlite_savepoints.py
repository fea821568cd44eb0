"""SQLite: a savepoint opened outside a transaction (a chat turn's agent runs in one) waits for the write lock
first, so what it read is still current when it writes, instead of failing with "database is locked" when
another connection committed in between."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from foodsave.adapters.local import FrozenClock
from foodsave.db.models import User
from foodsave.db.session import Database


def test_a_write_after_reads_in_a_savepoint_succeeds_when_another_connection_writes_meanwhile(sqlite_url):
    db = Database(sqlite_url, pool_size=2, clock=FrozenClock())
    outcome: list[str] = []

    def other_writer() -> None:
        with db.session() as other:
            other.add(User(external_sub="dev:other"))
        outcome.append("other committed")

    with db.session() as session:
        with session.begin_nested():
            before = session.scalar(select(func.count()).select_from(User))
            writer = threading.Thread(target=other_writer)
            writer.start()
            writer.join(timeout=2.0)  # the other connection waits for the lock this savepoint holds
            session.add(User(external_sub="dev:mine"))
            session.flush()
        outcome.append("savepoint committed")
    writer.join(timeout=30)
    with db.session() as session:
        after = session.scalar(select(func.count()).select_from(User))
    db.dispose()
    assert outcome == ["savepoint committed", "other committed"]
    assert after == before + 2
