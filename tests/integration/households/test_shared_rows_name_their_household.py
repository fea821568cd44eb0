"""A shared row is written with the household it belongs to, by the service that makes it: one that names
only the user who added it is refused by the database, never placed in a household behind the caller's back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from foodsave.db.models import HouseholdMember, PantryEvent, PantryItem, Receipt, ShoppingListItem, User

ONLY_A_USER = {
    "pantry item": lambda user_id: PantryItem(user_id=user_id, name="Mleko", normalized_name="mleko"),
    "receipt": lambda user_id: Receipt(user_id=user_id, object_key="uploads/receipts/x/r.jpg"),
    "shopping line": lambda user_id: ShoppingListItem(user_id=user_id, name="chleb"),
    "pantry event": lambda user_id: PantryEvent(user_id=user_id, kind="consumed", quantity=Decimal("1")),
}


@pytest.fixture
def user_id(services) -> str:  # type: ignore[no-untyped-def]
    """A user who has not signed in through the API yet, so has no household."""
    with services.db.session() as s:
        s.add(user := User(external_sub="dev:homeless"))
        s.flush()
        return user.id


@pytest.mark.parametrize("kind", sorted(ONLY_A_USER))
def test_a_shared_row_naming_only_its_user_is_refused(services, user_id, kind):
    # A NOT NULL violation: IntegrityError on SQLite, ProgrammingError from pg8000 on PostgreSQL.
    with pytest.raises(DBAPIError, match="household_id"), services.db.session() as s:
        s.add(ONLY_A_USER[kind](user_id))
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(HouseholdMember)) == 0
