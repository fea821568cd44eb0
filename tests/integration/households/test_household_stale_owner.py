"""An owner's request that read the owner role before ownership was handed over elsewhere: removing a member
is decided by the role as committed when the member is deleted, not as first read. On both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from foodsave.db.models import HouseholdMember
from foodsave.errors import Forbidden
from foodsave.households.service import HouseholdService
from foodsave.users import get_or_create_user


@pytest.fixture
def household(services):  # type: ignore[no-untyped-def]
    """anna owns a household that ben and carl joined."""
    with services.db.session() as session:
        anna, ben, carl = (get_or_create_user(session, f"dev:{n}").id for n in ("anna", "ben", "carl"))
    for member in (ben, carl):
        with services.db.session() as session:
            code = HouseholdService(session, anna, services.clock).invite().code
            HouseholdService(session, member, services.clock).accept(code, services.store)
    return anna, ben, carl


def test_a_former_owner_whose_role_was_read_before_the_hand_over_cannot_remove_a_member(services, household):  # type: ignore[no-untyped-def]
    anna, ben, carl = household
    unit = services.db.begin()
    try:
        stale = HouseholdService(unit.session, anna, services.clock)
        read = stale.membership  # held, as the request holds what it read
        assert read.role == "owner"
        with services.db.session() as session:
            HouseholdService(session, anna, services.clock).transfer(ben)
        with pytest.raises(Forbidden) as refused:
            stale.remove(carl)
        assert refused.value.code == "NotOwner"
    finally:
        unit.rollback()
    with services.db.session() as session:
        assert session.scalar(select(HouseholdMember.role).where(HouseholdMember.user_id == carl)) == "member"
