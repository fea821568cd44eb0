"""Claiming rows for a read-modify-write on both databases: a conditional UPDATE decided by the rows it touched.

The UPDATE takes the row's lock on PostgreSQL and the database write lock on SQLite (whose `SELECT ... FOR
UPDATE` does nothing), so whoever claims a row second waits for the first transaction to end and then
re-reads what it committed; a row that is gone or no longer matches answers "not claimed" instead of a
lost update or a `StaleDataError` at flush time."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, inspect, select, update
from sqlalchemy.orm import Session

T = TypeVar("T")


def claim(session: Session, model: type[Any], *criteria: ColumnElement[bool], **values: Any) -> int:
    """`UPDATE model SET values WHERE criteria`; returns the number of rows claimed. Without values the row
    keeps every column as it was (the primary key and any `onupdate` column are set to themselves, so an
    `updated_at` and the entity tag built from it do not move). The claim lasts until the transaction ends."""
    if not values:
        mapper = inspect(model)
        values = {c.key: c for c in mapper.columns if c.primary_key or c.onupdate is not None}
    result = session.execute(
        update(model).where(*criteria).values(**values).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim_one(session: Session, model: type[T], *criteria: ColumnElement[bool], **values: Any) -> T | None:
    """Claim the one row matching `criteria` and load it as committed now (stale copies in the session are
    overwritten); None when no row matches."""
    if claim(session, model, *criteria, **values) != 1:
        return None
    return session.scalar(select(model).where(*criteria).execution_options(populate_existing=True))


def insert_unless_taken(
    session: Session, model: type[Any], values: dict[str, Any], unique: list[str], where: Any = None
) -> bool:
    """`INSERT ... ON CONFLICT DO NOTHING` against the unique index on `unique` (partial when `where` is
    given); True when the row went in, False when a committed or concurrent row already holds the key."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    statement = (
        dialect_insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique, index_where=where)
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def claim_owned(session: Session, model: type[T], row_id: str, owner_id: str, what: str, **values: Any) -> T:
    """Claim the owner's row `row_id` of `model` (which has `id`, and `household_id` when its rows are shared
    by a household, else `user_id`); NotFound names it `what`."""
    from foodsave.errors import NotFound

    owner = model.household_id if hasattr(model, "household_id") else model.user_id  # type: ignore[attr-defined]
    row = claim_one(session, model, model.id == row_id, owner == owner_id, **values)  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(f"{what} {row_id} not found")
    return row
