"""Which household a user belongs to: every user is in exactly one, a household of their own until they join
another; the shared tables and how a household's shared data is erased."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foodsave.db.models import Household, HouseholdInvite, HouseholdMember, User, load_all

if TYPE_CHECKING:
    from foodsave.ports import ObjectStore, Queue

__all__ = ["MEMBER", "OWNER", "erase_household", "found_household", "household_of", "membership_of"]

OWNER = "owner"
MEMBER = "member"
NO_HOUSEHOLD = ""
HOUSEHOLD_DELETED = "household_deleted"  # the index-builder's job that deletes a household's index


def household_of(session: Session, user_id: str) -> str:
    """The id of the household `user_id` belongs to; a user without one becomes the owner of a new one.
    An unknown user has none: NO_HOUSEHOLD, which no row matches."""
    found = session.scalar(select(HouseholdMember.household_id).where(HouseholdMember.user_id == user_id))
    if found is not None:
        return found
    if session.get(User, user_id) is None:
        return NO_HOUSEHOLD
    return found_household(session, user_id)


def membership_of(session: Session, user_id: str) -> HouseholdMember:
    """The user's membership row (created with a household of their own when missing)."""
    household_of(session, user_id)
    member = session.scalar(select(HouseholdMember).where(HouseholdMember.user_id == user_id))
    assert member is not None
    return member


def found_household(session: Session, user_id: str) -> str:
    """A new household owned by `user_id`; when a concurrent request made one first, that one."""
    try:
        with session.begin_nested():
            household = Household()
            session.add(household)
            session.flush()
            session.add(HouseholdMember(household_id=household.id, user_id=user_id, role=OWNER))
            session.flush()
            return household.id
    except IntegrityError:
        found = session.scalar(select(HouseholdMember.household_id).where(HouseholdMember.user_id == user_id))
        assert found is not None
        return found


def shared_tables() -> list[Table]:
    """Tables whose rows belong to a household, children before parents."""
    return [t for t in reversed(load_all().sorted_tables) if "household_id" in t.c and not _household_own(t)]


def _household_own(table: Table) -> bool:
    return table.name in (HouseholdMember.__tablename__, HouseholdInvite.__tablename__)


def drop_household_index(queue: Queue, household_id: str) -> None:
    """Ask the index-builder to delete the index of the household's shared documents (under its own name and
    the legacy one). The builder does it, after any job already in flight for the household, and only it may
    delete indexes."""
    queue.send({"type": HOUSEHOLD_DELETED, "household_id": household_id})


def erase_household(session: Session, store: ObjectStore, queue: Queue, household_id: str) -> dict[str, int]:
    """Delete a household with its shared rows and the files of its receipts and shared documents, and queue
    the deletion of its documents' index; its members are left without a household (each gets a new one of
    their own on their next request). Returns the rows deleted by table."""
    from foodsave.db.models import Document, Receipt  # erasure only: every request imports this module

    keys = set(session.scalars(select(Receipt.object_key).where(Receipt.household_id == household_id)))
    keys |= set(session.scalars(select(Document.object_key).where(Document.household_id == household_id)))
    for key in sorted(k for k in keys if k):
        if store.head(key) is not None:
            store.delete(key)
    drop_household_index(queue, household_id)
    rows: dict[str, int] = {}
    own: list[Table] = [HouseholdInvite.__table__, HouseholdMember.__table__]  # type: ignore[list-item]
    for table in [*shared_tables(), *own]:
        deleted = session.execute(delete(table).where(table.c.household_id == household_id)).rowcount  # type: ignore[attr-defined]
        if deleted:
            rows[table.name] = int(deleted)
    session.execute(delete(Household).where(Household.id == household_id))
    rows["households"] = 1
    session.flush()
    return rows
