"""Documents shared with the household: members read, search and delete them; personal documents and other
households' documents stay 404; erasure follows the household's rules. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.vectors.conftest import drain

NOTE = (
    "Babcia zawsze kisiła ogórki w kamiennym garnku z koprem i czosnkiem. Kiszone ogórki dojrzewają tydzień."
)
BREAD = "Chleb na zakwasie piekę w żeliwnym garnku przez czterdzieści minut."


def _upload(client: Any, headers: dict[str, str], name: str, text: str, share: str = "") -> dict[str, Any]:
    data = {"title": name.split(".")[0], **({"share": share} if share else {})}
    resp = client.post("/v1/documents", headers=headers, files={"file": (name, text.encode())}, data=data)
    assert resp.status_code == 201, resp.text
    return resp.json()["document"]


@pytest.fixture
def pair(client, auth):  # type: ignore[no-untyped-def]
    """anna owns a household that ben joined; carl lives in his own."""
    code = client.post("/v1/household/invites", headers=auth("anna")).json()["code"]
    resp = client.post("/v1/household/accept", json={"code": code}, headers=auth("ben"))
    assert resp.status_code == 200, resp.text
    return resp.json()


def _ids(client, auth, name):  # type: ignore[no-untyped-def]
    return {d["id"] for d in client.get("/v1/documents", headers=auth(name)).json()["items"]}


def test_a_member_sees_own_personal_and_the_households_shared_documents(client, auth, pair):  # type: ignore[no-untyped-def]
    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    personal = _upload(client, auth("anna"), "chleb.txt", BREAD)
    mine = _upload(client, auth("ben"), "notatka.txt", BREAD)
    assert shared["household_id"] == pair["id"] and personal["household_id"] is None
    assert _ids(client, auth, "ben") == {shared["id"], mine["id"]}
    assert _ids(client, auth, "anna") == {shared["id"], personal["id"]}
    assert client.get(f"/v1/documents/{shared['id']}", headers=auth("ben")).status_code == 200


def test_another_members_personal_document_is_404(client, auth, pair):  # type: ignore[no-untyped-def]
    personal = _upload(client, auth("anna"), "chleb.txt", BREAD)
    assert client.get(f"/v1/documents/{personal['id']}", headers=auth("ben")).status_code == 404
    assert client.delete(f"/v1/documents/{personal['id']}", headers=auth("ben")).status_code == 404


def test_another_households_shared_document_is_404(client, auth, pair):  # type: ignore[no-untyped-def]
    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    assert client.get(f"/v1/documents/{shared['id']}", headers=auth("carl")).status_code == 404
    assert client.delete(f"/v1/documents/{shared['id']}", headers=auth("carl")).status_code == 404
    assert _ids(client, auth, "carl") == set()


def test_any_member_may_delete_a_shared_document(client, auth, pair):  # type: ignore[no-untyped-def]
    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    assert client.delete(f"/v1/documents/{shared['id']}", headers=auth("ben")).status_code == 202
    assert client.get(f"/v1/documents/{shared['id']}", headers=auth("anna")).status_code == 404


def test_an_unknown_share_is_a_problem(client, auth):  # type: ignore[no-untyped-def]
    resp = client.post(
        "/v1/documents", headers=auth("anna"), files={"file": ("a.txt", b"tekst")}, data={"share": "world"}
    )
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_a_member_finds_a_document_another_member_shared(client, auth, services, pair):  # type: ignore[no-untyped-def]
    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    params = {"q": "kiszenie ogórków", "scope": "documents"}
    hits = client.get("/v1/search", params=params, headers=auth("ben")).json()["hits"]
    assert hits[0]["document_id"] == shared["id"]
    assert client.get("/v1/search", params=params, headers=auth("carl")).json()["hits"] == []


def test_the_documents_agent_answers_a_member_from_a_shared_document(client, auth, services, pair):  # type: ignore[no-untyped-def]
    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    drain(services.queue)
    resp = client.post(
        "/v1/chat", json={"message": "Co piszą moje dokumenty o kiszeniu ogórków?"}, headers=auth("ben")
    )
    assert resp.status_code == 200, resp.text
    reply = resp.json()
    assert reply["agent"] == "documents"
    assert shared["id"] in {s.get("id") for s in reply["sources"]}


def test_shared_documents_stay_with_the_household_when_their_uploader_erases_their_account(
    client, auth, pair
):  # type: ignore[no-untyped-def]
    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    personal = _upload(client, auth("anna"), "chleb.txt", BREAD)
    assert client.delete("/v1/me", headers=auth("anna")).status_code == 204
    assert _ids(client, auth, "ben") == {shared["id"]}
    assert client.get(f"/v1/documents/{personal['id']}", headers=auth("ben")).status_code == 404


def test_shared_documents_are_erased_with_the_household(client, auth, services):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from foodsave.db.models import Document

    shared = _upload(client, auth("anna"), "ogorki.txt", NOTE, "household")
    assert client.delete("/v1/me", headers=auth("anna")).status_code == 204
    with services.db.session() as session:
        assert session.scalar(select(Document.id).where(Document.id == shared["id"])) is None


def test_shared_documents_of_a_household_joined_away_are_found_in_the_joined_household(
    client, auth, services
):  # type: ignore[no-untyped-def]
    from foodsave.vectors.manifest import household_index_name, user_index_name

    shared = _upload(client, auth("ben"), "ogorki.txt", NOTE, "household")
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    old = client.get("/v1/household", headers=auth("ben")).json()["id"]
    assert services.store.list(f"indexes/{household_index_name(old)}/") != []
    code = client.post("/v1/household/invites", headers=auth("anna")).json()["code"]
    assert client.post("/v1/household/accept", json={"code": code}, headers=auth("ben")).status_code == 200

    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    params = {"q": "kiszenie ogórków", "scope": "documents"}
    for member in ("anna", "ben"):
        hits = client.get("/v1/search", params=params, headers=auth(member)).json()["hits"]
        assert [h["document_id"] for h in hits][:1] == [shared["id"]], member
    for prefix in (household_index_name(old), user_index_name(old)):
        assert services.store.list(f"indexes/{prefix}/") == []
    assert services.store.list(f"documents/{old}/") == []


def test_a_shared_document_uploaded_after_its_household_was_joined_away_is_indexed_in_the_joined_household(
    client, auth, services
):  # type: ignore[no-untyped-def]
    """ben asks for an upload slot for a shared document, joins anna's household, and only then uploads: the
    file arrives under the key the slot named, and the document is indexed where its row now belongs."""

    made = client.post(
        "/v1/documents",
        json={"title": "Ogórki", "content_type": "text/plain", "share": "household"},
        headers=auth("ben"),
    ).json()
    code = client.post("/v1/household/invites", headers=auth("anna")).json()["code"]
    joined = client.post("/v1/household/accept", json={"code": code}, headers=auth("ben")).json()
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))

    key = made["upload"]["fields"]["key"]
    services.store.put(key, NOTE.encode(), content_type="text/plain")
    notification = {"Records": [{"eventName": "ObjectCreated:Post", "s3": {"object": {"key": key}}}]}
    services.queue.send(notification)
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))

    doc = client.get(f"/v1/documents/{made['document']['id']}", headers=auth("anna")).json()
    assert (doc["status"], doc["household_id"]) == ("ready", joined["id"])
    params = {"q": "kiszenie ogórków", "scope": "documents"}
    for member in ("anna", "ben"):
        hits = client.get("/v1/search", params=params, headers=auth(member)).json()["hits"]
        assert [h["document_id"] for h in hits][:1] == [made["document"]["id"]], member


def test_a_document_that_changes_hands_while_it_is_indexed_is_indexed_again_where_it_now_belongs(
    client, auth, services
):  # type: ignore[no-untyped-def]
    """ben's upload is being indexed in his household when the document's row moves to anna's (a join that
    committed as the file arrived): the index-builder takes it out of the old index, and the redelivered message
    indexes it in anna's household."""
    from foodsave.db.models import Document
    from foodsave.ports import NoHolds
    from foodsave.vectors.manifest import household_index_name
    from foodsave.vectors.publish import IndexPublisher

    made = client.post(
        "/v1/documents",
        json={"title": "Ogórki", "content_type": "text/plain", "share": "household"},
        headers=auth("ben"),
    ).json()
    document_id, old = made["document"]["id"], made["document"]["household_id"]
    annas = client.get("/v1/household", headers=auth("anna")).json()["id"]

    class RowMovesMidIndexing:
        def hold(self, point: str) -> None:
            with services.db.session() as session:
                session.get(Document, document_id).household_id = annas

    key = made["upload"]["fields"]["key"]
    services.store.put(key, NOTE.encode(), content_type="text/plain")
    notification = {"Records": [{"eventName": "ObjectCreated:Post", "s3": {"object": {"key": key}}}]}
    services.holds = RowMovesMidIndexing()
    services.queue.send(notification)
    assert [len(r["batchItemFailures"]) for r in drain(services.queue)] == [1]  # SQS will deliver it again
    services.holds = NoHolds()
    services.queue.send(notification)
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))

    doc = client.get(f"/v1/documents/{document_id}", headers=auth("anna")).json()
    assert (doc["status"], doc["household_id"]) == ("ready", annas)
    hits = client.get(
        "/v1/search", params={"q": "kiszenie ogórków", "scope": "documents"}, headers=auth("anna")
    )
    assert [h["document_id"] for h in hits.json()["hits"]][:1] == [document_id]
    left = IndexPublisher(services.store, clock=services.clock).current_manifest(household_index_name(old))
    assert left is not None and document_id not in left.documents
