"""Invite codes as input: any text that is not an issued code is refused as not found and joins nothing, and an
issued code is accepted exactly once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsave.errors import Gone, NotFound
from foodsave.households.membership import household_of
from foodsave.households.service import HouseholdService
from foodsave.users import get_or_create_user


@pytest.fixture
def members(services):  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        return get_or_create_user(session, "dev:anna").id, get_or_create_user(session, "dev:ben").id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(min_size=1, max_size=128))
def test_text_that_is_no_issued_code_is_not_found_and_joins_nothing(services, members, code):
    anna, ben = members
    with services.db.session() as session:
        HouseholdService(session, anna, services.clock).invite()
        before = household_of(session, ben)
        with pytest.raises(NotFound):
            HouseholdService(session, ben, services.clock).accept(code, services.store)
        assert household_of(session, ben) == before


def test_an_issued_code_is_accepted_once(services, members):
    anna, ben = members
    with services.db.session() as session:
        code = HouseholdService(session, anna, services.clock).invite().code
        HouseholdService(session, ben, services.clock).accept(code, services.store)
        assert household_of(session, ben) == household_of(session, anna)
        with pytest.raises(Gone):
            HouseholdService(session, ben, services.clock).accept(code, services.store)
