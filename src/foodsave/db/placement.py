"""Placing new shared rows: a row that names only the user who added it belongs to that user's household."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foodsave.db.models import Household, HouseholdMember, new_id

OWNER = "owner"


def place_new_rows(session: Session, _flush_context: Any = None, _instances: Any = None) -> None:
    """Before a flush: a new shared row that names only the user who added it goes to that user's household
    (one of their own, made in the same flush, when they have none yet). Documents are personal unless
    shared explicitly, so they are left as they are."""
    if not session.new:
        return
    from foodsave.db.models import Document  # loaded by the first write: a read needs no documents model

    placed: dict[str, str] = {}
    for obj in list(session.new):
        if getattr(obj, "household_id", "") is not None or isinstance(obj, (HouseholdMember, Document)):
            continue
        user_id = getattr(obj, "user_id", None)
        if not user_id:
            continue
        if user_id not in placed:
            placed[user_id] = _pending_household(session, user_id)
        obj.household_id = placed[user_id]


def _pending_household(session: Session, user_id: str) -> str:
    for obj in session.new:
        if isinstance(obj, HouseholdMember) and obj.user_id == user_id:
            return obj.household_id
    with session.no_autoflush:
        found = session.scalar(select(HouseholdMember.household_id).where(HouseholdMember.user_id == user_id))
    if found is not None:
        return found
    household = Household(id=new_id())
    session.add(household)
    session.add(HouseholdMember(id=new_id(), household_id=household.id, user_id=user_id, role=OWNER))
    return household.id
