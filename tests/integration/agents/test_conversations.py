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


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_knowledge_answer_over_http_cites_its_article_with_a_typed_source(client, auth, world):
    resp = client.post(
        "/v1/chat", json={"message": "Jak długo można przechowywać otwarty jogurt w lodówce?"}, headers=auth()
    )
    assert resp.status_code == 200, resp.text
    assert {
        "type": "knowledge",
        "id": "jogurt-kefir-smietana",
        "title": resp.json()["sources"][0]["title"],
    } in (resp.json()["sources"])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_expired_food_over_http_is_reported_with_its_item_and_article_sources(client, auth, world):
    client.post(
        "/v1/pantry/items",
        json={"name": "Kefir", "quantity": "1", "expires_at": "2025-01-10"},
        headers=auth(),
    )
    resp = client.post("/v1/chat", json={"message": "Co jest po terminie?"}, headers=auth())
    assert resp.status_code == 200, resp.text
    assert [s["type"] for s in resp.json()["sources"]] == ["pantry_item", "knowledge"]
