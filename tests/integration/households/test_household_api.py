"""`/v1/household`: a household per user from the first sign-in, invites (single use, expiring on the Clock),
joining, roles, removing members, handing over ownership, leaving and deleting; shared data is the
household's, personal data stays each user's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from foodsave.households.service import INVITE_TTL


def _household(client, auth, name):  # type: ignore[no-untyped-def]
    resp = client.get("/v1/household", headers=auth(name))
    assert resp.status_code == 200, resp.text
    return resp.json()


def _invite(client, auth, name="anna"):  # type: ignore[no-untyped-def]
    resp = client.post("/v1/household/invites", headers=auth(name))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _join(client, auth, name, code):  # type: ignore[no-untyped-def]
    return client.post("/v1/household/accept", json={"code": code}, headers=auth(name))


@pytest.fixture
def pair(client, auth):  # type: ignore[no-untyped-def]
    """anna owns a household that ben joined."""
    resp = _join(client, auth, "ben", _invite(client, auth)["code"])
    assert resp.status_code == 200, resp.text
    return resp.json()


def _problem(resp, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["type"].endswith(code)


def test_first_sign_in_makes_the_user_owner_of_a_household_of_their_own(client, auth):
    body = _household(client, auth, "anna")
    me = client.get("/v1/me", headers=auth("anna")).json()
    assert body["role"] == "owner"
    assert [(m["user_id"], m["role"]) for m in body["members"]] == [(me["id"], "owner")]


def test_invite_is_a_link_with_a_code_that_expires_after_the_ttl(client, auth, services):
    invite = _invite(client, auth)
    assert invite["link"].endswith(invite["code"])
    assert len(invite["code"]) >= 32
    assert invite["expires_at"].startswith((services.clock.now() + INVITE_TTL).isoformat()[:19])


def test_accepting_an_invite_joins_the_household_as_member(client, auth, pair):
    anna = _household(client, auth, "anna")
    assert pair["id"] == anna["id"]
    assert pair["role"] == "member"
    assert [m["role"] for m in anna["members"]] == ["owner", "member"]


def test_members_share_the_pantry_and_the_shopping_list(client, auth, pair):
    item = client.post("/v1/pantry/items", json={"name": "Jogurt naturalny"}, headers=auth("anna")).json()
    line = client.post("/v1/shopping-list", json={"name": "chleb"}, headers=auth("ben")).json()
    assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth("ben")).status_code == 200
    assert [i["id"] for i in client.get("/v1/shopping-list", headers=auth("anna")).json()["items"]] == [
        line["id"]
    ]


def test_conversations_stay_personal_inside_a_household(client, auth, pair):
    client.post("/v1/chat", json={"message": "co mam w lodówce?"}, headers=auth("anna"))
    assert client.get("/v1/conversations", headers=auth("ben")).json()["total"] == 0


def test_another_household_gets_404_for_shared_items(client, auth, pair):
    item = client.post("/v1/pantry/items", json={"name": "Ser"}, headers=auth("anna")).json()
    resp = client.get(f"/v1/pantry/items/{item['id']}", headers=auth("carl"))
    _problem(resp, 404, "NotFound")


def test_unknown_invite_code_is_404_and_joins_nothing(client, auth):
    _problem(_join(client, auth, "ben", "no-such-code"), 404, "InviteNotFound")
    assert len(_household(client, auth, "ben")["members"]) == 1


def test_used_invite_is_410_for_the_next_user(client, auth):
    code = _invite(client, auth)["code"]
    assert _join(client, auth, "ben", code).status_code == 200
    _problem(_join(client, auth, "carl", code), 410, "InviteUsed")
    assert len(_household(client, auth, "anna")["members"]) == 2


def test_expired_invite_is_410(client, auth, services):
    code = _invite(client, auth)["code"]
    services.clock.advance(INVITE_TTL + timedelta(seconds=1))
    _problem(_join(client, auth, "ben", code), 410, "InviteExpired")


def test_invite_works_until_its_last_second(client, auth, services):
    code = _invite(client, auth)["code"]
    services.clock.advance(INVITE_TTL - timedelta(seconds=1))
    assert _join(client, auth, "ben", code).status_code == 200


def test_member_cannot_invite_or_remove_members(client, auth, pair):
    anna_id = _household(client, auth, "anna")["members"][0]["user_id"]
    _problem(client.post("/v1/household/invites", headers=auth("ben")), 403, "NotOwner")
    _problem(client.delete(f"/v1/household/members/{anna_id}", headers=auth("ben")), 403, "NotOwner")


def test_owner_removes_a_member_who_then_sees_nothing_shared(client, auth, pair):
    item = client.post("/v1/pantry/items", json={"name": "Masło"}, headers=auth("anna")).json()
    ben_id = _household(client, auth, "anna")["members"][1]["user_id"]
    assert client.delete(f"/v1/household/members/{ben_id}", headers=auth("anna")).status_code == 204
    assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth("ben")).status_code == 404
    assert _household(client, auth, "ben")["role"] == "owner"


def test_removing_someone_of_another_household_is_404(client, auth, pair):
    carl_id = _household(client, auth, "carl")["members"][0]["user_id"]
    _problem(client.delete(f"/v1/household/members/{carl_id}", headers=auth("anna")), 404, "NotFound")


def test_owner_cannot_leave_with_members_until_handing_over(client, auth, pair):
    _problem(client.post("/v1/household/leave", headers=auth("anna")), 409, "OwnerMustHandOver")
    ben_id = _household(client, auth, "anna")["members"][1]["user_id"]
    resp = client.post("/v1/household/transfer", json={"user_id": ben_id}, headers=auth("anna"))
    assert resp.status_code == 200, resp.text
    assert client.post("/v1/household/leave", headers=auth("anna")).status_code == 200
    ben = _household(client, auth, "ben")
    assert (ben["role"], len(ben["members"])) == ("owner", 1)


def test_member_leaves_taking_nothing(client, auth, pair):
    item = client.post("/v1/pantry/items", json={"name": "Kefir"}, headers=auth("ben")).json()
    left = client.post("/v1/household/leave", headers=auth("ben"))
    assert left.status_code == 200
    assert left.json()["id"] != pair["id"]
    assert client.get("/v1/pantry/items", headers=auth("ben")).json()["total"] == 0
    assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth("anna")).status_code == 200


def test_last_member_leaving_must_confirm_and_then_erases_the_shared_data(client, auth):
    item = client.post("/v1/pantry/items", json={"name": "Kefir"}, headers=auth("anna")).json()
    household = _household(client, auth, "anna")["id"]
    _problem(client.post("/v1/household/leave", headers=auth("anna")), 409, "ConfirmationRequired")
    assert client.post(f"/v1/household/leave?confirm={household}", headers=auth("anna")).status_code == 200
    assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth("anna")).status_code == 404


def test_deleting_the_household_needs_the_confirmation_and_erases_shared_data(client, auth, pair):
    item = client.post("/v1/pantry/items", json={"name": "Kefir"}, headers=auth("anna")).json()
    resp = client.delete("/v1/household", headers=auth("anna"))
    _problem(resp, 409, "ConfirmationRequired")
    assert resp.json()["household_id"] == pair["id"]
    assert client.delete(f"/v1/household?confirm={pair['id']}", headers=auth("anna")).status_code == 204
    for name in ("anna", "ben"):
        assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth(name)).status_code == 404
        assert len(_household(client, auth, name)["members"]) == 1


def test_member_cannot_delete_the_household(client, auth, pair):
    resp = client.delete(f"/v1/household?confirm={pair['id']}", headers=auth("ben"))
    _problem(resp, 403, "NotOwner")


def test_joining_from_a_household_of_ones_own_brings_its_data_along(client, auth):
    client.post("/v1/shopping-list", json={"name": "chleb", "quantity": 1}, headers=auth("anna"))
    client.post("/v1/shopping-list", json={"name": "chleb", "quantity": 2}, headers=auth("ben"))
    client.post("/v1/pantry/items", json={"name": "Ser"}, headers=auth("ben"))
    assert _join(client, auth, "ben", _invite(client, auth)["code"]).status_code == 200
    lines = client.get("/v1/shopping-list", headers=auth("anna")).json()["items"]
    assert [(line["name"], float(line["quantity"])) for line in lines] == [("chleb", 3.0)]
    assert client.get("/v1/pantry/items", headers=auth("anna")).json()["total"] == 1


def test_owner_of_a_household_with_members_cannot_join_another(client, auth, pair):
    code = _invite(client, auth, "carl")["code"]
    _problem(_join(client, auth, "anna", code), 409, "OwnerMustHandOver")


def test_joining_ones_own_household_again_is_409(client, auth, pair):
    _problem(_join(client, auth, "ben", _invite(client, auth)["code"]), 409, "AlreadyMember")


def test_a_member_patching_with_an_etag_older_than_the_other_members_change_gets_412(client, auth, pair):
    item = client.post("/v1/pantry/items", json={"name": "Jogurt"}, headers=auth("anna")).json()
    url = f"/v1/pantry/items/{item['id']}"
    seen_by_ben = client.get(url, headers=auth("ben")).headers["etag"]
    assert client.patch(url, json={"name": "Jogurt grecki"}, headers=auth("anna")).status_code == 200
    resp = client.patch(url, json={"name": "Kefir"}, headers={**auth("ben"), "If-Match": seen_by_ben})
    assert resp.status_code == 412, resp.text
    assert client.get(url, headers=auth("anna")).json()["name"] == "Jogurt grecki"


def test_owner_removing_themselves_is_409_until_handing_over(client, auth, pair):
    anna_id = _household(client, auth, "anna")["members"][0]["user_id"]
    resp = client.delete(f"/v1/household/members/{anna_id}", headers=auth("anna"))
    _problem(resp, 409, "OwnerMustHandOver")


def test_handing_over_to_someone_outside_the_household_is_404(client, auth, pair):
    carl_id = _household(client, auth, "carl")["members"][0]["user_id"]
    resp = client.post("/v1/household/transfer", json={"user_id": carl_id}, headers=auth("anna"))
    _problem(resp, 404, "NotFound")
    assert _household(client, auth, "anna")["role"] == "owner"
