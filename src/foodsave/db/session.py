"""Engine once per warm container, one session and one transaction per invocation or request."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from foodsave.db.pg8000_statements import cache_placeholder_rewrites
from foodsave.db.references import load_referenced
from foodsave.db.timestamps import CLOCK_KEY, share_clock, stamp_times
from foodsave.errors import Unavailable

if TYPE_CHECKING:
    from foodsave.ports import Clock

SUPPORTED_URLS = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME"


def driver_url(url: str) -> str:
    """The SQLAlchemy URL with its driver: `postgres://` and `postgresql://` are read with pg8000 (the one
    PostgreSQL driver installed); any other scheme is refused with one sentence that says what works."""
    scheme, sep, rest = url.strip().partition("://")
    if sep and scheme in ("postgres", "postgresql", "postgresql+pg8000"):
        return f"postgresql+pg8000://{rest}"
    if sep and scheme in ("sqlite", "sqlite+pysqlite"):
        return url.strip()
    shown = f"a {scheme}:// URL" if sep else "a value without a scheme"
    raise ValueError(f"The database URL must be {SUPPORTED_URLS} (read with pg8000), not {shown}.")


def _engine_for(url: str, connect_timeout: float, tls: bool = False, pool_size: int = 1) -> Engine:
    if url.startswith("sqlite"):
        from foodsave.db.sqlite_dialect import DRIVER  # SQLite's dialect only where SQLite is the database

        # Connections are kept and reused (opening one and setting its pragmas cost every unit of work a
        # file open and a header read); the overflow is unbounded, so nothing ever waits for a connection.
        # Savepoints outside a transaction begin none (see foodsave.db.sqlite_dialect).
        engine = create_engine(
            make_url(url).set(drivername=DRIVER),
            poolclass=QueuePool,
            pool_size=pool_size,
            max_overflow=-1,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if "pg8000" in url:
        cache_placeholder_rewrites()
    # Lambda: one connection per container is enough (one request at a time); RDS Proxy multiplexes.
    # A server (local runtime) sizes the pool to its worker threads so no request waits for a connection.
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=1 if pool_size == 1 else pool_size,
        pool_recycle=300,
        pool_timeout=connect_timeout,
        connect_args=_pg8000_args(connect_timeout, tls) if "pg8000" in url else {},
    )
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_after_idle(engine.dialect))
    event.listen(engine, "handle_error", _socket_errors_are_disconnects)
    return engine


# A connection that sat in the pool this long is pinged before use (a thawed Lambda container, a quiet
# server). One in steady use is not: a round trip per unit of work is what the ping would cost, and a
# connection lost meanwhile fails its first statement as an outage (503), which discards every pooled
# connection opened before it (SQLAlchemy's disconnect handling), so the next request connects afresh.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN = "foodsave.checked_in_at"


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _ping_after_idle(dialect: Any) -> Any:
    def ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        """Ping a connection idle for PING_AFTER_IDLE_SECONDS; one that does not answer is replaced."""
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except (dialect.loaded_dbapi.Error, OSError) as exc:
            raise DisconnectionError("the pooled connection did not answer its ping") from exc

    return ping


def _socket_errors_are_disconnects(context: Any) -> OperationalError | None:
    """pg8000 lets a socket error on the first read of a reply through unwrapped (a connection the server
    reset): it is a lost connection like any other, which discards the pool and answers 503."""
    error = context.original_exception
    if not isinstance(error, OSError):
        return None
    context.is_disconnect = True
    return OperationalError(context.statement, context.parameters, error, connection_invalidated=True)


def _pg8000_args(connect_timeout: float, tls: bool) -> dict[str, Any]:
    """pg8000's connect arguments. Without `tls` the connection is plain from its first byte (the local
    runtime's database): pg8000's default would load the system trust store into a context on every connect
    (~20 ms) only to try an unverified handshake first, which verifies nobody and which such a database
    refuses."""
    args: dict[str, Any] = {"timeout": connect_timeout, "ssl_context": False}
    if tls:  # RDS Proxy requires TLS; verify against the system trust store (Amazon roots included)
        import ssl

        args["ssl_context"] = ssl.create_default_context()
    return args


def is_outage(exc: DBAPIError) -> bool:
    """Errors that mean the database cannot be reached, as opposed to a bad statement."""
    return isinstance(exc, (OperationalError, InterfaceError)) or bool(exc.connection_invalidated)


class UnitOfWork:
    """One session and one transaction, ended by exactly one of `commit()` or `rollback()`."""

    def __init__(self, session: Session, dialect: str) -> None:
        from foodsave.observability import tracer

        self.session = session
        # Not made current: a request's unit of work may open and close on different worker threads.
        self._span = tracer().start_span("db.unit_of_work", attributes={"db.system": dialect})

    def commit(self) -> None:
        """Commit and close; outages become Unavailable, and nothing stays half-written."""
        try:
            self.session.commit()
        except (OperationalError, DBAPIError) as exc:
            self.session.rollback()
            if is_outage(exc):
                raise Unavailable("database is unavailable") from exc
            raise
        except BaseException:
            self.session.rollback()
            raise
        finally:
            self._close()

    def rollback(self) -> None:
        try:
            self.session.rollback()
        except (OperationalError, DBAPIError):
            pass  # the connection is gone; closing discards it
        finally:
            self._close()

    def _close(self) -> None:
        self.session.close()
        self._span.end()


class Database:
    """Owns the engine and the session factory; `session()` is one unit of work."""

    def __init__(
        self,
        url: str,
        *,
        clock: Clock,
        connect_timeout: float = 5.0,
        tls: bool = False,
        pool_size: int = 1,
    ) -> None:
        self.url = driver_url(url)
        self.engine = _engine_for(self.url, connect_timeout, tls, pool_size)
        self._connect_timeout = connect_timeout
        # Row creation and update times come from this clock (see foodsave.db.timestamps).
        self.clock: Clock = clock
        self._factory = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self._ahead: threading.Thread | None = None
        event.listen(self._factory, "before_flush", stamp_times)
        event.listen(self._factory, "before_flush", load_referenced)
        event.listen(self._factory, "after_begin", share_clock)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def connect_ahead(self) -> None:
        """Open the pool's first connection on a thread of its own, so that its round trips (TCP, TLS,
        authentication, the dialect's first queries) overlap the work a cold start does before its first
        statement; the first unit of work (or ping) waits for it rather than open a second connection. A failure
        is logged and left to that unit of work, which connects again and reports an outage as it always did.
        Not for SQLite (a local file)."""
        if self._ahead is not None or self.dialect == "sqlite":
            return
        run = contextvars.copy_context().run  # the request's trace context, for the connection's span
        self._ahead = threading.Thread(
            target=run, args=(self._connect_once,), name="db-connect-ahead", daemon=True
        )
        self._ahead.start()

    def _connect_once(self) -> None:
        try:
            self.engine.connect().close()  # into the pool, for the first unit of work
        except Exception as exc:  # noqa: BLE001 - the first unit of work connects again and reports it
            from foodsave.observability import logger

            logger.warning("the database connection opened ahead failed", extra={"error": repr(exc)})

    def _await_ahead(self) -> None:
        """Wait for the connection being opened ahead, if any (at most a few connect timeouts: a connect that
        hangs past them leaves this unit of work to open its own)."""
        ahead = self._ahead
        if ahead is not None and ahead.is_alive():
            ahead.join(3 * self._connect_timeout + 1)

    def begin(self) -> UnitOfWork:
        """Open a unit of work whose two halves may run on different threads (HTTP requests)."""
        self._await_ahead()
        return UnitOfWork(self._factory(info={CLOCK_KEY: self.clock}), self.dialect)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Commit when the block succeeds, roll back when it raises; DB outages become Unavailable."""
        unit = self.begin()
        try:
            yield unit.session
        except BaseException:
            unit.rollback()
            raise
        unit.commit()

    def ping(self) -> float:
        """Round trip in milliseconds; raises Unavailable when the database does not answer."""
        self._await_ahead()
        start = time.perf_counter()
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as exc:
            raise Unavailable("database is unavailable") from exc
        return (time.perf_counter() - start) * 1000

    def dispose(self) -> None:
        self.engine.dispose()
