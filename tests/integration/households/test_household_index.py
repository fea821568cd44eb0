"""The household's shared documents are indexed under a key kind of their own (`household-{id}`); an index
published under the legacy `user-{household}` name is read until the index-builder, asked through its queue,
has rebuilt it under the household's name."""

from __future__ import annotations

from typing import Any

import pytest

from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.manifest import POINTER_FILE, household_index_name, user_index_name
from foodsave.vectors.publish import IndexPublisher
from tests.integration.households.conftest import NOTE, QUERY
from tests.integration.vectors.conftest import drain

pytestmark = [
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
    pytest.mark.usefixtures("indexes_reread_at_once"),
]


@pytest.fixture
def shared(client, auth, services) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """anna shares a note with the household ben joined, and the index-builder has run."""
    code = client.post("/v1/household/invites", headers=auth("anna")).json()["code"]
    household = client.post("/v1/household/accept", json={"code": code}, headers=auth("ben")).json()["id"]
    resp = client.post(
        "/v1/documents", headers=auth("anna"), files={"file": ("ogorki.txt", NOTE.encode())},
        data={"share": "household"},
    )  # fmt: skip
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    return {"household": household, "document": resp.json()["document"]["id"]}


def _published(services, name: str) -> bool:  # type: ignore[no-untyped-def]
    return services.store.head(f"indexes/{name}/{POINTER_FILE}") is not None


def test_a_shared_document_is_indexed_under_the_households_own_key(services, shared):  # type: ignore[no-untyped-def]
    assert _published(services, household_index_name(shared["household"]))
    assert not _published(services, user_index_name(shared["household"]))


def test_a_legacy_household_index_is_searched_and_rebuilt_under_the_households_name(
    client, auth, services, shared
):  # type: ignore[no-untyped-def]
    household = shared["household"]
    services.store.delete_prefix(f"indexes/{household_index_name(household)}/")
    older = IndexBuilder(IndexPublisher(services.store, clock=services.clock), services.embedder)
    older.rebuild(
        user_index_name(household), [SourceDocument(shared["document"], "ogorki", NOTE, "documents")]
    )

    served = client.get("/v1/search", params=QUERY, headers=auth("ben")).json()["hits"]
    assert [h["document_id"] for h in served][:1] == [shared["document"]]
    assert services.queue.depth() == 1
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))

    assert _published(services, household_index_name(household))
    assert not _published(services, user_index_name(household))
    rebuilt = client.get("/v1/search", params=QUERY, headers=auth("ben")).json()["hits"]
    assert [h["document_id"] for h in rebuilt][:1] == [shared["document"]]


def test_erasing_the_household_deletes_its_index_under_both_names(client, auth, services, shared):  # type: ignore[no-untyped-def]
    household = shared["household"]
    older = IndexBuilder(IndexPublisher(services.store, clock=services.clock), services.embedder)
    older.rebuild(
        user_index_name(household), [SourceDocument(shared["document"], "ogorki", NOTE, "documents")]
    )
    for member in ("ben", "anna"):
        assert client.delete("/v1/me", headers=auth(member)).status_code == 204
    assert services.store.list(f"indexes/{household_index_name(household)}/") == []
    assert services.store.list(f"indexes/{user_index_name(household)}/") == []
