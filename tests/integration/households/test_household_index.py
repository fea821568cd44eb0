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
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))  # the builder deletes indexes
    assert services.store.list(f"indexes/{household_index_name(household)}/") == []
    assert services.store.list(f"indexes/{user_index_name(household)}/") == []


def test_index_migrate_queues_a_rebuild_of_every_legacy_or_stale_index_and_nothing_else(  # type: ignore[no-untyped-def]
    client, auth, services, shared, capsys, monkeypatch
):
    """Nobody searches: `foodsave index migrate` still brings the household's legacy index and a personal index
    built by an older embedder to date through the index-builder, and leaves current indexes alone."""
    from foodsave.cli import main as cli
    from foodsave.db.models import Household
    from foodsave.users import get_or_create_user
    from foodsave.vectors.embed import HashingEmbedder
    from foodsave.vectors.migrate import plan

    def is_household(owner: str) -> bool:
        with services.db.session() as session:
            return session.get(Household, owner) is not None

    household = shared["household"]
    services.store.delete_prefix(f"indexes/{household_index_name(household)}/")
    publisher = IndexPublisher(services.store, clock=services.clock)
    IndexBuilder(publisher, services.embedder).rebuild(
        user_index_name(household), [SourceDocument(shared["document"], "ogorki", NOTE, "documents")]
    )
    personal = client.post("/v1/documents", headers=auth("carl"), files={"file": ("k.txt", NOTE.encode())})
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))
    with services.db.session() as session:
        carl = get_or_create_user(session, "dev:carl").id
    IndexBuilder(publisher, HashingEmbedder(dim=256)).rebuild(
        user_index_name(carl), [SourceDocument(personal.json()["document"]["id"], "k", NOTE, "documents")]
    )

    IndexBuilder(publisher, HashingEmbedder(dim=256)).rebuild(
        "notes", [SourceDocument("n1", "notes", NOTE, "notes")]
    )  # built by hand: the index-builder keeps no sources to rebuild it from
    monkeypatch.setattr("foodsave.cli.vectors._services", lambda: services)
    assert cli(["index", "migrate", "--dry-run"]) == 0
    wanted = sorted([f"rebuild {household_index_name(household)}", f"rebuild {user_index_name(carl)}"])
    printed = capsys.readouterr().out.splitlines()
    assert sorted(line for line in printed if line.startswith("rebuild ")) == wanted
    assert [line.split(":")[0] for line in printed if line.startswith("skipped ")] == ["skipped notes"]
    assert services.queue.depth() == 0
    assert cli(["index", "migrate"]) == 0
    assert services.queue.depth() == 2
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))

    assert _published(services, household_index_name(household))
    assert not _published(services, user_index_name(household))
    for name in ("ben", "carl"):
        hits = client.get("/v1/search", params={"q": QUERY, "scope": "documents"}, headers=auth(name))
        assert hits.status_code == 200 and hits.json()["hits"] != [], name
    assert plan(services.store, services.clock, services.embedder, is_household).rebuilds == []
