"""Row times from the Clock port: before each flush, new rows get their creation times and changed rows
their `onupdate` times from the clock the session was opened with (`session.info["clock"]`).

The column defaults in foodsave.db.models stay as the fallback for sessions opened without a clock
(migrations, one-off scripts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from foodsave.db.types import UTCDateTime

if TYPE_CHECKING:
    from foodsave.ports import Clock

CLOCK_KEY = "clock"


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
