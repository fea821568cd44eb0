"""Chat turns at the same moment over real HTTP, on both databases: every turn that adds to the pantry is
answered and stored whole, none is refused because another turn committed while it was working."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tests.integration.concurrency.conftest import LiveServer, race

TURNS = 15


def _chat(c, _n):  # type: ignore[no-untyped-def]
    return c.post("/v1/chat", json={"message": "dodaj 2 mleka"})


def _stored_turns(live: LiveServer) -> list[list[str]]:
    with live.client() as c:
        conversations = c.get("/v1/conversations", params={"limit": 100}).json()["items"]
        return [
            [m["role"] for m in c.get(f"/v1/conversations/{conv['id']}").json()["messages"]]
            for conv in conversations
        ]


def test_parallel_chat_turns_adding_to_the_pantry_are_all_answered_and_all_stored(live):
    with live.client() as c:
        assert c.post("/v1/pantry/items", json={"name": "Chleb żytni"}).status_code == 201

    answers = race(live, TURNS, _chat)

    assert Counter(r.status_code for r in answers) == {200: TURNS}, [r.text for r in answers][:3]
    with live.client() as c:
        items = c.get("/v1/pantry/items", params={"limit": 100}).json()["items"]
    milk = [i for i in items if i["normalized_name"].startswith("mlek")]
    assert sum(Decimal(i["quantity"]) for i in milk) == 2 * TURNS
    assert _stored_turns(live) == [["user", "assistant"]] * TURNS
