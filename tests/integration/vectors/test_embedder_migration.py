"""Migration of an index built by another embedder: search refuses it with a clear 503, queues a rebuild, and
after the index-builder re-embeds the user's stored documents the same search answers again."""

from __future__ import annotations

from typing import Any

import pytest

from foodsave.users import get_or_create_user
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.manifest import user_index_name
from foodsave.vectors.publish import IndexPublisher
from tests.integration.vectors.conftest import drain

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOTE = "Kiszona kapusta w słoiku po otwarciu wytrzymuje w lodówce dwa tygodnie, przykryta sokiem."


@pytest.fixture(autouse=True)
def search_rereads_indexes_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOODSAVE_INDEX_REFRESH_SECONDS", "0")


def search(client: Any, headers: dict[str, str]) -> Any:
    return client.get("/v1/search", params={"q": "kapusta kiszona", "scope": "documents"}, headers=headers)


def test_an_index_from_an_older_embedder_is_refused_then_rebuilt_through_the_queue(
    client, services, auth
) -> None:  # type: ignore[no-untyped-def]
    headers = auth("anna")
    response = client.post("/v1/documents", headers=headers, files={"file": ("kapusta.txt", NOTE.encode())})
    document_id = response.json()["document"]["id"]
    drain(services.queue)
    with services.db.session() as session:
        user_id = get_or_create_user(session, "dev:anna").id
    older = IndexBuilder(IndexPublisher(services.store, clock=services.clock), HashingEmbedder(dim=256))
    older.rebuild(user_index_name(user_id), [SourceDocument(document_id, "kapusta", NOTE, "documents")])

    refused = search(client, headers)
    assert refused.status_code == 503 and "EmbedderMismatch" in refused.text
    assert services.queue.depth() == 1
    assert all(r["batchItemFailures"] == [] for r in drain(services.queue))

    answered = search(client, headers)
    assert answered.status_code == 200
    assert [h["document_id"] for h in answered.json()["hits"]] == [document_id]
