"""Membership changes racing each other over real HTTP on both databases: an owner handing over to two
members at once, one user tapping two invites of one household at once, an owner removing one member twice, two members
deleting one shared document; each ends with one effect, and the losers are told so (404/409)."""

from __future__ import annotations

from collections import Counter

from tests.integration.concurrency.conftest import LiveServer, race


def _join(live: LiveServer, owner: str, *members: str) -> None:
    for member in members:
        with live.client(owner) as o, live.client(member) as m:
            code = o.post("/v1/household/invites").json()["code"]
            assert m.post("/v1/household/accept", json={"code": code}).status_code == 200


def _user_id(live: LiveServer, user: str) -> str:
    with live.client(user) as c:
        return str(c.get("/v1/me").json()["id"])


def test_an_owner_handing_over_to_two_members_at_once_leaves_one_owner(live):
    _join(live, "anna", "ben", "carl")
    targets = [_user_id(live, "ben"), _user_id(live, "carl")]

    answers = race(live, 2, lambda c, i: c.post("/v1/household/transfer", json={"user_id": targets[i]}))

    # The loser is no longer the owner, whether it read the household before the winner committed or after.
    assert sorted(r.status_code for r in answers) == [200, 403]
    with live.client("anna") as c:
        roles = Counter(m["role"] for m in c.get("/v1/household").json()["members"])
    assert roles == {"owner": 1, "member": 2}


def _two_invites(live: LiveServer, owner: str) -> list[str]:
    """Two invites into one household (sent by text and by e-mail, say)."""
    with live.client(owner) as o:
        return [o.post("/v1/household/invites").json()["code"] for _ in range(2)]


def test_tapping_two_invites_of_one_household_at_once_joins_once_with_the_pantry(live):
    with live.client("ben") as ben:
        item = ben.post("/v1/pantry/items", json={"name": "Ser żółty"}).json()
    codes = _two_invites(live, "anna")

    answers = race(live, 2, lambda c, i: c.post("/v1/household/accept", json={"code": codes[i]}), user="ben")

    assert sorted(r.status_code for r in answers) == [200, 409]
    with live.client("anna") as anna:
        assert item["id"] in {i["id"] for i in anna.get("/v1/pantry/items").json()["items"]}
        assert len(anna.get("/v1/household").json()["members"]) == 2


def test_the_invite_of_a_join_that_lost_the_race_stays_usable(live):
    _user_id(live, "ben")
    codes = _two_invites(live, "anna")
    answers = race(live, 2, lambda c, i: c.post("/v1/household/accept", json={"code": codes[i]}), user="ben")
    statuses = [r.status_code for r in answers]
    assert sorted(statuses) == [200, 409], [r.text for r in answers]

    with live.client("erin") as erin:
        assert erin.post("/v1/household/accept", json={"code": codes[statuses.index(409)]}).status_code == 200


def test_an_owner_removing_one_member_twice_at_once_answers_204_once(live):
    _join(live, "anna", "ben")
    ben = _user_id(live, "ben")

    answers = race(live, 2, lambda c, _: c.delete(f"/v1/household/members/{ben}"))

    assert sorted(r.status_code for r in answers) == [204, 404]
    with live.client("ben") as c:
        assert c.get("/v1/household").json()["role"] == "owner"


def test_two_members_deleting_one_shared_document_at_once_delete_it_once(live):
    _join(live, "anna", "ben")
    files = {"file": ("n.txt", b"mleko trzymaj w lodowce\n" * 20, "text/plain")}
    with live.client("anna") as c:
        doc = c.post("/v1/documents", files=files, data={"title": "n", "share": "household"}).json()[
            "document"
        ]

    answers = race(live, 2, lambda c, _: c.delete(f"/v1/documents/{doc['id']}"), users=("anna", "ben"))

    assert sorted(r.status_code for r in answers) == [202, 404]
    with live.client("ben") as c:
        assert c.get(f"/v1/documents/{doc['id']}").status_code == 404
