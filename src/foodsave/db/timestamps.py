"""Row times from the Clock port, never from the system clock: before each flush, new rows get their
creation times and changed rows their `onupdate` times from the clock the session was opened with
(`session.info["clock"]`). The column defaults in foodsave.db.models (`row_time`) read the same clock for
INSERT and UPDATE statements run in the session; a session opened without a clock fails loudly when it
writes a row time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from foodsave.db.types import UTCDateTime

if TYPE_CHECKING:
    from foodsave.ports import Clock

CLOCK_KEY = "clock"
# The execution option that carries the session's clock to column defaults.
EXECUTION_KEY = "foodsave_clock"


class MissingClock(RuntimeError):
    """A row time was needed in a session opened without a clock."""


def row_time(context: Any) -> datetime:
    """Column default and `onupdate` of every row time: now on the clock of the session writing the row."""
    clock: Clock | None = context.execution_options.get(EXECUTION_KEY)
    if clock is None:
        raise MissingClock("a row time needs a clock: open the session from a Database that has one")
    return clock.now()


def share_clock(session: Session, _transaction: Any, connection: Connection) -> None:
    """`after_begin`: the session's clock rides on its connection for `row_time`."""
    clock = session.info.get(CLOCK_KEY)
    if clock is not None:
        connection.execution_options(**{EXECUTION_KEY: clock})


_STAMPED: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _stamped(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(attributes set on insert, attributes set on update) of a mapped class: its defaulted UTC times."""
    if cls in _STAMPED:
        return _STAMPED[cls]
    on_insert: list[str] = []
    on_update: list[str] = []
    mapper: Any = inspect(cls)
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column.type, UTCDateTime):
            continue
        if column.default is not None:
            on_insert.append(prop.key)
        if column.onupdate is not None:
            on_update.append(prop.key)
    _STAMPED[cls] = (tuple(on_insert), tuple(on_update))
    return _STAMPED[cls]


def stamp_times(session: Session, _flush_context: Any = None, _instances: Any = None) -> None:
    clock: Clock | None = session.info.get(CLOCK_KEY)
    if clock is None:
        return
    now = clock.now()
    for obj in session.new:
        for key in _stamped(type(obj))[0]:
            if getattr(obj, key) is None:
                setattr(obj, key, now)
    for obj in session.dirty:
        keys = _stamped(type(obj))[1]
        if not keys or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        for key in keys:
            if not state.attrs[key].history.has_changes():
                setattr(obj, key, now)
