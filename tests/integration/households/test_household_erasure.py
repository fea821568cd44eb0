"""Erasure in a household: `DELETE /v1/me` removes the user's personal data and membership; the household's
shared data stays with the other members, and goes with the last one."""

from __future__ import annotations

from sqlalchemy import select

from foodsave.db.models import HouseholdMember, PantryItem, ShoppingListItem


def _pair(client, auth) -> str:  # type: ignore[no-untyped-def]
    """anna owns a household ben joined; returns its id."""
    code = client.post("/v1/household/invites", headers=auth("anna")).json()["code"]
    resp = client.post("/v1/household/accept", json={"code": code}, headers=auth("ben"))
    assert resp.status_code == 200, resp.text
    return str(resp.json()["id"])


def test_a_member_erasing_their_account_leaves_the_shared_data_to_the_others(client, auth, services):
    _pair(client, auth)
    item = client.post("/v1/pantry/items", json={"name": "Jogurt"}, headers=auth("ben")).json()
    client.post("/v1/chat", json={"message": "co ugotować?"}, headers=auth("ben"))
    assert client.delete("/v1/me", headers=auth("ben")).status_code == 204
    assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth("anna")).status_code == 200
    with services.db.session() as session:
        assert session.get(PantryItem, item["id"]).user_id is None  # no longer names ben
    members = client.get("/v1/household", headers=auth("anna")).json()["members"]
    assert [m["role"] for m in members] == ["owner"]


def test_an_owner_erasing_their_account_hands_the_household_to_the_next_member(client, auth, services):
    household = _pair(client, auth)
    client.post("/v1/shopping-list", json={"name": "chleb"}, headers=auth("anna"))
    assert client.delete("/v1/me", headers=auth("anna")).status_code == 204
    ben = client.get("/v1/household", headers=auth("ben")).json()
    assert (ben["id"], ben["role"]) == (household, "owner")
    assert client.get("/v1/shopping-list", headers=auth("ben")).json()["total"] == 1


def test_the_last_member_erasing_their_account_erases_the_shared_data(client, auth, services):
    client.post("/v1/pantry/items", json={"name": "Jogurt"}, headers=auth("anna"))
    client.post("/v1/shopping-list", json={"name": "chleb"}, headers=auth("anna"))
    assert client.delete("/v1/me", headers=auth("anna")).status_code == 204
    with services.db.session() as session:
        assert session.scalars(select(PantryItem)).all() == []
        assert session.scalars(select(ShoppingListItem)).all() == []
        assert session.scalars(select(HouseholdMember)).all() == []


def test_when_the_last_member_leaves_after_the_others_erased_the_data_goes(client, auth, services):
    household = _pair(client, auth)
    client.post("/v1/pantry/items", json={"name": "Jogurt"}, headers=auth("anna"))
    assert client.delete("/v1/me", headers=auth("anna")).status_code == 204
    resp = client.post(f"/v1/household/leave?confirm={household}", headers=auth("ben"))
    assert resp.status_code == 200, resp.text
    with services.db.session() as session:
        assert session.scalars(select(PantryItem)).all() == []
