"""A cold API function opens its first database connection on a thread of its own while it mounts routes:
the first unit of work uses that connection (it waits for it rather than open a second), a database that is
down is reported by that unit of work as an outage, a ping waits for it too, SQLite opens nothing ahead,
services that fail to build ahead are built by the request itself, which meets and answers any failure where it
always did, and a request without credentials builds nothing ahead."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from foodsave.adapters.local import FrozenClock
from foodsave.db.session import Database, is_outage


def _connections_opened(db: Database) -> list[int]:
    opened: list[int] = []
    event.listen(db.engine, "connect", lambda *_: opened.append(1))
    return opened


def _backend_pid(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(text("SELECT pg_backend_pid()")))


@pytest.fixture
def slow_network(pg_url):  # type: ignore[no-untyped-def]
    """A database whose connections take 0.3 s to open, and the list of connections it opened."""
    db = Database(pg_url, pool_size=1, clock=FrozenClock())
    opened = _connections_opened(db)
    event.listen(db.engine, "do_connect", lambda *_: time.sleep(0.3))
    yield db, opened
    db.dispose()


def test_the_first_unit_of_work_waits_for_the_connection_opened_ahead_and_uses_it(slow_network):
    db, opened = slow_network
    db.connect_ahead()  # still being opened when the unit of work begins
    pid = _backend_pid(db)
    assert len(opened) == 1  # no second connection while the first was on its way
    assert _backend_pid(db) == pid
    assert db.engine.pool.checkedin() == 1


def test_a_ping_waits_for_the_connection_opened_ahead_too(slow_network):
    db, opened = slow_network
    db.connect_ahead()
    db.ping()
    assert len(opened) == 1


def test_connecting_ahead_twice_opens_one_connection(pg_url):
    db = Database(pg_url, pool_size=1, clock=FrozenClock())
    opened = _connections_opened(db)
    try:
        db.connect_ahead()
        db.connect_ahead()
        _backend_pid(db)
        assert len(opened) == 1
    finally:
        db.dispose()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_database_that_is_down_is_reported_by_the_first_unit_of_work_as_an_outage():
    db = Database(
        f"postgresql://postgres@127.0.0.1:{_closed_port()}/foodsave", connect_timeout=2, clock=FrozenClock()
    )
    try:
        db.connect_ahead()  # the failure stays on its thread
        with pytest.raises(DBAPIError) as failed, db.session() as session:
            session.execute(text("SELECT 1"))
        assert is_outage(failed.value)  # answered 503 at the edge
    finally:
        db.dispose()


def test_sqlite_opens_nothing_ahead(sqlite_url):
    db = Database(sqlite_url, clock=FrozenClock())
    try:
        db.connect_ahead()
        assert db._ahead is None
        assert not [t for t in threading.enumerate() if t.name == "db-connect-ahead"]
    finally:
        db.dispose()


def _failing_build(calls: list[int]):  # type: ignore[no-untyped-def]
    from foodsave.errors import Unavailable

    def build() -> None:
        calls.append(1)
        raise Unavailable("the secret store did not answer")

    return build


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_services_that_fail_to_build_ahead_are_built_by_the_request_itself(services, monkeypatch):
    from foodsave import bootstrap
    from foodsave.runtime import events
    from foodsave.runtime.context import LocalLambdaContext
    from foodsave.runtime.lambda_api import api_handler

    ahead: list[int] = []
    handler = api_handler("alert-evaluator")
    bootstrap.set_services(None)
    monkeypatch.setattr(bootstrap, "get_services", _failing_build(ahead))  # what the cold path calls ahead
    monkeypatch.setattr("foodsave.api.deps.get_services", lambda: services)  # the request's own build
    response = handler(
        events.http_api_request("GET", "/v1/notifications", sub="sub-anna"),
        LocalLambdaContext(function_name="foodsave-alert-evaluator"),
    )
    assert ahead == [1]
    assert response["statusCode"] == 200


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_request_without_credentials_builds_nothing_ahead(services, monkeypatch):
    from foodsave import bootstrap
    from foodsave.runtime import events
    from foodsave.runtime.context import LocalLambdaContext
    from foodsave.runtime.lambda_api import api_handler

    ahead: list[int] = []
    handler = api_handler("alert-evaluator")
    bootstrap.set_services(None)
    monkeypatch.setattr(bootstrap, "get_services", _failing_build(ahead))
    monkeypatch.setattr("foodsave.api.deps.get_services", lambda: services)
    response = handler(
        events.http_api_request("GET", "/v1/notifications"),
        LocalLambdaContext(function_name="foodsave-alert-evaluator"),
    )
    assert ahead == []
    assert response["statusCode"] == 401
