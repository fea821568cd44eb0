"""Joins racing each other on both databases: a user leaving a household of their own to join another while
someone joins theirs. The household left behind is held while it is counted, so the join into it either
commits first (and the leaver, now an owner with a member, is told to hand over) or finds it gone."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from foodsave.db.models import HouseholdMember
from foodsave.errors import Conflict
from foodsave.households.service import HouseholdService
from foodsave.users import get_or_create_user

SETTLE = 0.5  # seconds for the second transaction to reach the household it waits for


@pytest.fixture
def people(services):  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        return [get_or_create_user(session, f"dev:{name}").id for name in ("anna", "ben", "carl")]


def test_joining_away_while_someone_joins_ones_household_asks_to_hand_over(services, people):  # type: ignore[no-untyped-def]
    anna, ben, carl = people
    with services.db.session() as session:
        to_anna = HouseholdService(session, anna, services.clock).invite().code
        to_ben = HouseholdService(session, ben, services.clock).invite().code
    started = threading.Event()

    def ben_joins_anna() -> str:
        started.set()
        try:
            with services.db.session() as session:
                HouseholdService(session, ben, services.clock).accept(to_anna, services.store)
        except Conflict as exc:
            return exc.code
        return "joined"

    with ThreadPoolExecutor(max_workers=1) as pool:
        unit = services.db.begin()
        HouseholdService(unit.session, carl, services.clock).accept(to_ben, services.store)
        answer = pool.submit(ben_joins_anna)
        started.wait(timeout=10)
        time.sleep(SETTLE)
        unit.commit()
        assert answer.result(timeout=60) == "OwnerMustHandOver"

    with services.db.session() as session:
        rows = session.execute(select(HouseholdMember.user_id, HouseholdMember.household_id)).all()
    households = dict(rows)
    assert households[carl] == households[ben] != households[anna]
