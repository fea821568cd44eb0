"""Sharing a document after upload, and taking it back: `PATCH /v1/documents/{id}` with `If-Match` moves the
document, its file and its index entries between the uploader and the household (through the index-builder
queue). Only the uploader changes it; a stale tag answers 412 and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.households.conftest import NOTE, QUERY
from tests.integration.vectors.conftest import drain

pytestmark = [
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
    pytest.mark.usefixtures("indexes_reread_at_once"),
]


@pytest.fixture
def pair(client, auth) -> str:  # type: ignore[no-untyped-def]
    """anna owns a household that ben joined; returns its id."""
    code = client.post("/v1/household/invites", headers=auth("anna")).json()["code"]
    return str(client.post("/v1/household/accept", json={"code": code}, headers=auth("ben")).json()["id"])


def _indexed(client, auth, services, share: str = "personal") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """anna's note, uploaded with `share` and indexed; with its ETag."""
    resp = client.post(
        "/v1/documents",
        headers=auth("anna"),
        files={"file": ("ogorki.txt", NOTE.encode())},
        data={"share": share},
    )
    assert resp.status_code == 201, resp.text
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    read = client.get(f"/v1/documents/{resp.json()['document']['id']}", headers=auth("anna"))
    return {**read.json(), "etag": read.headers["ETag"]}


def _share(client, headers, doc, share: str, etag: str | None = None):  # type: ignore[no-untyped-def]
    if_match = {"If-Match": etag} if etag else {}
    return client.patch(f"/v1/documents/{doc['id']}", json={"share": share}, headers={**headers, **if_match})


def _found_by(client, auth, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        h["document_id"] for h in client.get("/v1/search", params=QUERY, headers=auth(name)).json()["hits"]
    ]


def test_sharing_a_personal_document_lets_the_other_member_read_and_find_it(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services)
    resp = _share(client, auth("anna"), doc, "household", doc["etag"])
    assert resp.status_code == 200, resp.text
    assert (resp.json()["household_id"], resp.json()["status"]) == (pair, "pending")
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    assert client.get(f"/v1/documents/{doc['id']}", headers=auth("ben")).json()["status"] == "ready"
    assert _found_by(client, auth, "ben") == [doc["id"]]
    assert _found_by(client, auth, "anna") == [doc["id"]]  # from the household's index, not twice


def test_making_a_shared_document_personal_hides_it_from_the_other_member(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services, "household")
    assert _share(client, auth("anna"), doc, "personal", doc["etag"]).status_code == 200
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    assert client.get(f"/v1/documents/{doc['id']}", headers=auth("ben")).status_code == 404
    assert _found_by(client, auth, "ben") == []
    assert _found_by(client, auth, "anna") == [doc["id"]]


def test_the_file_moves_under_its_new_owner(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services)
    _share(client, auth("anna"), doc, "household")
    keys = [k for k in services.store.list("documents/") if doc["id"] in k]
    assert keys == [f"documents/{pair}/{doc['id']}.txt"]


def test_a_stale_if_match_changes_nothing(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services)
    resp = _share(client, auth("anna"), doc, "household", '"stale"')
    assert resp.status_code == 412
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["current"]["household_id"] is None
    assert client.get(f"/v1/documents/{doc['id']}", headers=auth("ben")).status_code == 404
    assert services.queue.depth() == 0


def test_only_the_uploader_makes_a_shared_document_personal(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services, "household")
    resp = _share(client, auth("ben"), doc, "personal")
    assert resp.status_code == 403
    assert resp.json()["type"].endswith("NotUploader")
    assert client.get(f"/v1/documents/{doc['id']}", headers=auth("ben")).json()["household_id"] == pair


def test_another_members_personal_document_is_404(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services)
    assert _share(client, auth("ben"), doc, "household").status_code == 404


def test_a_document_still_indexing_cannot_change_its_sharing(client, auth, services, pair):  # type: ignore[no-untyped-def]
    resp = client.post("/v1/documents", headers=auth("anna"), files={"file": ("ogorki.txt", NOTE.encode())})
    doc = resp.json()["document"]
    answer = _share(client, auth("anna"), doc, "household")
    assert answer.status_code == 409
    assert answer.json()["type"].endswith("DocumentNotReady")


def test_an_unknown_share_is_a_problem(client, auth, services, pair):  # type: ignore[no-untyped-def]
    doc = _indexed(client, auth, services)
    resp = _share(client, auth("anna"), doc, "world")
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_a_delete_waiting_on_a_sharing_change_removes_the_file_where_the_change_put_it(  # type: ignore[no-untyped-def]
    client, auth, services, pair
):
    """The sharing change holds the row; the delete waits for it, then removes the file under its new owner."""
    import threading
    import time

    from sqlalchemy import update

    from foodsave.db.locking import claim
    from foodsave.db.models import Document

    doc = _indexed(client, auth, services)
    old_key = next(k for k in services.store.list("documents/") if doc["id"] in k)
    new_key = f"documents/{pair}/{doc['id']}.txt"
    answers: list[int] = []
    with services.db.session() as held:
        assert claim(held, Document, Document.id == doc["id"]) == 1  # the change takes the row first
        deleting = threading.Thread(
            target=lambda: answers.append(
                client.delete(f"/v1/documents/{doc['id']}", headers=auth("anna")).status_code
            )
        )
        deleting.start()
        time.sleep(0.5)  # the delete is now waiting on the row
        services.store.put(new_key, services.store.get(old_key), content_type="text/plain")
        services.store.delete(old_key)
        held.execute(
            update(Document).where(Document.id == doc["id"]).values(household_id=pair, object_key=new_key)
        )
    deleting.join(30)
    assert answers == [202]
    assert [k for k in services.store.list("documents/") if doc["id"] in k] == []
