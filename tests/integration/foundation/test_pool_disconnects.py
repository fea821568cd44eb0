"""PostgreSQL connections the server dropped while they sat in the pool: one idle long enough is pinged and
replaced before use; one in steady use (not pinged) fails one unit of work as an outage, and the next unit of
work connects afresh."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from foodsave.adapters.local import FrozenClock
from foodsave.db import session as db_session
from foodsave.db.session import Database, is_outage


@pytest.fixture
def db(pg_url):
    database = Database(pg_url, pool_size=1, clock=FrozenClock())
    yield database
    database.dispose()


def _backend_pid(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(text("SELECT pg_backend_pid()")))


def _terminate(pg_cluster, pid: int) -> None:  # type: ignore[no-untyped-def]
    admin = create_engine(pg_cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_dropped_connection_idle_past_the_ping_threshold_is_replaced_before_use(
    db, pg_cluster, monkeypatch
):
    before = _backend_pid(db)
    _terminate(pg_cluster, before)
    monkeypatch.setattr(db_session, "PING_AFTER_IDLE_SECONDS", 0.0)

    assert _backend_pid(db) != before


def test_a_dropped_connection_in_steady_use_fails_one_unit_of_work_and_the_next_reconnects(
    db, pg_cluster, monkeypatch
):
    before = _backend_pid(db)
    _terminate(pg_cluster, before)
    monkeypatch.setattr(db_session, "PING_AFTER_IDLE_SECONDS", 3600.0)

    with pytest.raises(DBAPIError) as failed:
        _backend_pid(db)
    assert is_outage(failed.value)  # answered 503 at the edge
    assert _backend_pid(db) != before
