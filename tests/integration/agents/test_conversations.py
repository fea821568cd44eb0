"""The scripted conversation suite, case by case: each reply states the facts asked for, never recommends food
past its date, changes the pantry as told, and has no grammar slip."""

from __future__ import annotations

import pytest

from tests.conversations.cases import CASES, KINDS
from tests.conversations.runner import play
from tests.conversations.world import NOW, publish_knowledge, stock


@pytest.fixture
def world(services):
    from foodsave.adapters.local import FrozenClock

    services.clock = FrozenClock(NOW)
    publish_knowledge(services)
    return services


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_conversation_answers_the_question_asked(world, case):
    user = stock(world, f"dev:{case.id}")
    for turn in play(case, world, user.user_id):
        assert turn.failures == [], f"{turn.message!r} -> {turn.reply!r}"
        assert turn.grammar == [], f"{turn.message!r} -> {turn.reply!r}"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_every_question_type_is_answered_right_on_postgres(world):
    wrong = {kind: [] for kind in KINDS}
    for case in CASES:
        user = stock(world, f"dev:{case.id}")
        for turn in play(case, world, user.user_id):
            if turn.failures or turn.grammar:
                wrong[case.kind].append((turn.message, turn.failures, turn.grammar))
    assert {kind: found for kind, found in wrong.items() if found} == {}
