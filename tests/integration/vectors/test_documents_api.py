"""Documents and search over HTTP: upload, index through the queue, per-user isolation, delete, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from foodsave.bootstrap import build_embedder
from foodsave.vectors.builder import SourceDocument
from foodsave.vectors.corpus import build_corpus_index
from foodsave.vectors.search import SearchService
from tests.integration.vectors.conftest import drain

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOTE = (
    "Babcia zawsze kisiła ogórki w kamiennym garnku z koprem i czosnkiem. Kiszone ogórki dojrzewają tydzień."
)


def upload(client: Any, headers: dict[str, str], name: str, data: bytes, title: str = "") -> dict[str, Any]:
    response = client.post(
        "/v1/documents", headers=headers, files={"file": (name, data)}, data={"title": title}
    )
    assert response.status_code == 201, response.text
    return response.json()["document"]


def test_an_uploaded_document_becomes_searchable_for_its_owner_only(client, services, auth) -> None:  # type: ignore[no-untyped-def]
    doc = upload(client, auth("anna"), "ogorki.txt", NOTE.encode(), "Ogórki babci")
    assert doc["status"] == "pending"
    responses = drain(services.queue)
    assert all(r["batchItemFailures"] == [] for r in responses)
    listed = client.get("/v1/documents", headers=auth("anna")).json()["items"]
    assert [(d["id"], d["status"], d["chunks"]) for d in listed] == [(doc["id"], "ready", 1)]

    hits = client.get(
        "/v1/search", params={"q": "kiszenie ogórków", "scope": "documents"}, headers=auth("anna")
    ).json()["hits"]
    assert hits[0]["document_id"] == doc["id"] and hits[0]["title"] == "Ogórki babci"
    other = client.get(
        "/v1/search", params={"q": "kiszenie ogórków", "scope": "documents"}, headers=auth("bob")
    )
    assert other.status_code == 200 and other.json()["hits"] == []


def test_another_users_document_is_not_found(client, services, auth) -> None:  # type: ignore[no-untyped-def]
    doc = upload(client, auth("anna"), "ogorki.md", NOTE.encode())
    assert client.get(f"/v1/documents/{doc['id']}", headers=auth("bob")).status_code == 404
    assert client.delete(f"/v1/documents/{doc['id']}", headers=auth("bob")).status_code == 404
    assert client.get("/v1/documents", headers=auth("bob")).json()["items"] == []


def test_deleting_a_document_removes_it_from_search(client, services, auth) -> None:  # type: ignore[no-untyped-def]
    doc = upload(client, auth("anna"), "ogorki.txt", NOTE.encode())
    keep = upload(client, auth("anna"), "chleb.txt", "Chleb na zakwasie piekę w garnku żeliwnym.".encode())
    drain(services.queue)
    assert client.delete(f"/v1/documents/{doc['id']}", headers=auth("anna")).status_code == 202
    drain(services.queue)
    hits = client.get(
        "/v1/search", params={"q": "ogórki", "scope": "documents", "k": 5}, headers=auth("anna")
    ).json()["hits"]
    assert {h["document_id"] for h in hits} == {keep["id"]}
    assert client.get(f"/v1/documents/{doc['id']}", headers=auth("anna")).status_code == 404


def deleted_and_kept(client: Any, services: Any, auth: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two indexed documents of anna's, the first deleted and its removal from the index still queued."""
    doc = upload(client, auth("anna"), "ogorki.txt", NOTE.encode())
    keep = upload(client, auth("anna"), "chleb.txt", "Chleb na zakwasie piekę w garnku żeliwnym.".encode())
    drain(services.queue)
    assert client.delete(f"/v1/documents/{doc['id']}", headers=auth("anna")).status_code == 202
    return doc, keep


def test_a_deleted_document_is_not_found_by_search_before_the_index_builder_has_run(
    client, services, auth
) -> None:  # type: ignore[no-untyped-def]
    doc, keep = deleted_and_kept(client, services, auth)
    assert services.queue.depth() == 1  # the index still holds the document's chunks
    hits = client.get(
        "/v1/search", params={"q": "ogórki", "scope": "documents", "k": 5}, headers=auth("anna")
    ).json()["hits"]
    assert {h["document_id"] for h in hits} == {keep["id"]}
    reply = client.post(
        "/v1/chat", json={"message": "co moje dokumenty mówią o kiszeniu ogórków?"}, headers=auth("anna")
    )
    assert doc["id"] not in {s.get("id") for s in reply.json()["sources"]}


def test_search_still_returns_k_hits_while_a_deleted_document_waits_for_the_index_builder(
    client, services, auth
) -> None:  # type: ignore[no-untyped-def]
    _doc, keep = deleted_and_kept(client, services, auth)
    hits = client.get(
        "/v1/search", params={"q": "kiszone ogórki", "scope": "documents", "k": 1}, headers=auth("anna")
    ).json()["hits"]
    assert [h["document_id"] for h in hits] == [keep["id"]]


def test_a_pdf_without_text_ends_as_a_failed_document_not_a_retry(client, services, auth) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.vectors.test_extract import make_pdf

    doc = upload(client, auth("anna"), "skan.pdf", make_pdf(None))
    responses = drain(services.queue)
    assert all(r["batchItemFailures"] == [] for r in responses)
    failed = client.get(f"/v1/documents/{doc['id']}", headers=auth("anna")).json()
    assert failed["status"] == "failed" and "no extractable text" in failed["failure_reason"]


def test_a_json_request_gets_a_presigned_upload_slot(client, auth) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/v1/documents", headers=auth("anna"), json={"title": "Notatki", "content_type": "application/pdf"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["upload"]["fields"]["key"].endswith(f"{body['document']['id']}.pdf")
    assert body["upload"]["max_bytes"] == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("files", "status"),
    [({"file": ("a.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00")}, 415), ({"file": ("a.txt", b"")}, 422)],
)
def test_unsupported_or_empty_uploads_are_refused(client, auth, files, status) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/v1/documents", headers=auth("anna"), files=files).status_code == status


def test_an_oversized_upload_is_too_large(client, services, auth) -> None:  # type: ignore[no-untyped-def]
    services.settings.max_upload_bytes = 1000
    response = client.post("/v1/documents", headers=auth("anna"), files={"file": ("a.txt", b"a" * 5000)})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 10_000},
        {"q": "mleko", "k": 0},
        {"q": "mleko", "k": 10_000},
        {"q": "mleko", "scope": "web"},
    ],
)
def test_bad_search_requests_are_422_problems(client, auth, params) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/v1/search", params=params, headers=auth("anna"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_shared_knowledge_is_searchable_by_everyone(client, services, auth) -> None:  # type: ignore[no-untyped-def]
    docs = [
        SourceDocument("mleko", "Mleko", "Otwarte mleko przechowuj w lodówce do trzech dni.", "knowledge"),
        SourceDocument("chleb", "Chleb", "Chleb można zamrozić na trzy miesiące.", "knowledge"),
    ]
    embedder = build_embedder("hashing")
    # a ready service skips the local first-use build of the bundled corpora
    services.lazy.search.set(
        SearchService(services.store, embedder, services.settings.resolved_index_cache_dir)
    )
    build_corpus_index(
        "knowledge", store=services.store, embedder=embedder, clock=services.clock, documents=docs
    )
    for user in ("anna", "bob"):
        body = client.get(
            "/v1/search",
            params={"q": "jak długo trzymać otwarte mleko", "scope": "knowledge", "k": 2},
            headers=auth(user),
        ).json()
        assert body["hits"][0]["document_id"] == "mleko" and body["index_version"] == 1


def test_search_needs_a_signed_in_user(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/v1/search", params={"q": "mleko"}).status_code == 401
