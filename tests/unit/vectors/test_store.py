"""Publishing and reading: atomic versions, checksums, embedder stamp, refresh and last-good fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foodsave.adapters.local import LocalObjectStore
from foodsave.errors import NotFound, Unavailable
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.load import IndexReader
from foodsave.vectors.manifest import CorruptIndex, EmbedderMismatch, check_index_name
from tests.unit.vectors.conftest import publisher_for


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FailingStore(LocalObjectStore):
    """Fails the n-th put, like S3 going away in the middle of a publish."""

    def __init__(self, root: Path, bucket: str, fail_on_key_suffix: str) -> None:
        super().__init__(root, bucket)
        self.fail_on = fail_on_key_suffix

    def put(self, key, data, content_type=None):  # type: ignore[no-untyped-def]
        if key.endswith(self.fail_on):
            raise Unavailable("object store write failed")
        return super().put(key, data, content_type)


def reader_for(
    store: LocalObjectStore,
    tmp_path: Path,
    embedder: HashingEmbedder,
    ticker: Ticker,
    name: str = "knowledge",
) -> IndexReader:
    return IndexReader(store, name, embedder, tmp_path / "cache", refresh_seconds=30, monotonic=ticker)


def test_publish_writes_a_versioned_folder_then_the_pointer(
    builder: IndexBuilder, store: LocalObjectStore, knowledge_docs: list[SourceDocument]
) -> None:
    manifest = builder.rebuild("knowledge", knowledge_docs)
    assert manifest is not None and manifest.version == 1
    keys = store.list("indexes/knowledge/")
    assert set(keys) == {
        f"indexes/knowledge/v1/{f}"
        for f in ("index.faiss", "ids.npy", "vectors.npy", "meta.sqlite", "lexical.npz", "manifest.json")
    } | {"indexes/knowledge/latest.json"}
    stamped = json.loads(store.get("indexes/knowledge/v1/manifest.json"))
    assert stamped["embedder"] == HashingEmbedder().name and stamped["dim"] == 512
    assert stamped["index_type"] == "flat" and stamped["count"] == 4
    assert all(len(f["sha256"]) == 64 for f in stamped["files"].values())


def test_a_failed_publish_leaves_the_previous_version_served(
    tmp_path: Path, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    store = FailingStore(tmp_path / "objects", "b", fail_on_key_suffix="never")
    IndexBuilder(publisher_for(store), embedder).rebuild("knowledge", knowledge_docs)
    store.fail_on = "v2/meta.sqlite"
    with pytest.raises(Unavailable):
        IndexBuilder(publisher_for(store), embedder).rebuild("knowledge", knowledge_docs[:2], force=True)
    assert json.loads(store.get("indexes/knowledge/latest.json"))["version"] == 1
    reader = reader_for(store, tmp_path, embedder, Ticker())
    assert reader.current().manifest.count == 4


def test_a_publish_after_a_crashed_one_never_reuses_its_version(
    tmp_path: Path, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    store = FailingStore(tmp_path / "objects", "b", fail_on_key_suffix="v1/manifest.json")
    with pytest.raises(Unavailable):
        IndexBuilder(publisher_for(store), embedder).rebuild("knowledge", knowledge_docs)
    store.fail_on = "never"
    manifest = IndexBuilder(publisher_for(store), embedder).rebuild("knowledge", knowledge_docs)
    assert manifest is not None and manifest.version == 2


def test_rebuilding_unchanged_sources_publishes_nothing(
    builder: IndexBuilder, knowledge_docs: list[SourceDocument]
) -> None:
    assert builder.rebuild("knowledge", knowledge_docs) is not None
    assert builder.rebuild("knowledge", knowledge_docs) is None


def test_old_versions_are_pruned(
    builder: IndexBuilder, store: LocalObjectStore, knowledge_docs: list[SourceDocument]
) -> None:
    for i in range(5):
        builder.rebuild("knowledge", knowledge_docs[: 1 + i % 4], force=True)
    versions = {k.split("/")[2] for k in store.list("indexes/knowledge/v")}
    assert versions == {"v3", "v4", "v5"}


def test_reader_opens_the_published_index_memory_mapped(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    loaded = reader_for(store, tmp_path, embedder, Ticker()).current()
    assert loaded.index.read_only
    assert loaded.search(embedder.embed_query("czy można zamrozić chleb"), 1)[0].chunk.document_id == "chleb"


def test_reader_refuses_an_index_built_by_another_embedder(
    builder: IndexBuilder, store: LocalObjectStore, tmp_path: Path, knowledge_docs: list[SourceDocument]
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    other = HashingEmbedder(dim=256)
    with pytest.raises(EmbedderMismatch, match="rebuild the index"):
        reader_for(store, tmp_path, other, Ticker()).current()


def test_reader_of_an_unpublished_index_says_not_found(
    store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        reader_for(store, tmp_path, embedder, Ticker()).current()


def test_reader_swaps_in_a_new_version_only_after_the_refresh_interval(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    builder.rebuild("knowledge", knowledge_docs[:2])
    ticker = Ticker()
    reader = reader_for(store, tmp_path, embedder, ticker)
    assert reader.current().manifest.version == 1
    builder.rebuild("knowledge", knowledge_docs)
    ticker.now = 29
    assert reader.current().manifest.version == 1
    ticker.now = 31
    assert reader.current().manifest.version == 2
    assert reader.current().manifest.count == 4


def test_an_index_erased_from_the_store_is_no_longer_served_after_the_refresh_interval(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    builder.rebuild("household-h1", knowledge_docs)
    ticker = Ticker()
    reader = reader_for(store, tmp_path, embedder, ticker, name="household-h1")
    folder = reader.current().folder
    store.delete_prefix("indexes/household-h1/")
    ticker.now = 31
    with pytest.raises(NotFound):
        reader.current()
    assert not folder.exists()


@pytest.mark.parametrize(
    "damage", ["corrupt_index", "missing_vectors", "missing_manifest", "bad_pointer", "other_embedder"]
)
def test_a_broken_new_version_keeps_the_last_good_one_serving(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
    damage: str,
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    ticker = Ticker()
    reader = reader_for(store, tmp_path, embedder, ticker)
    assert reader.current().manifest.version == 1
    if damage == "other_embedder":
        IndexBuilder(publisher_for(store), HashingEmbedder(dim=256)).rebuild("knowledge", knowledge_docs)
    else:
        builder.rebuild("knowledge", knowledge_docs[:3], force=True)
        if damage == "corrupt_index":
            store.put("indexes/knowledge/v2/index.faiss", b"garbage")
        elif damage == "missing_vectors":
            store.delete("indexes/knowledge/v2/vectors.npy")
        elif damage == "missing_manifest":
            store.delete("indexes/knowledge/v2/manifest.json")
        elif damage == "bad_pointer":
            store.put("indexes/knowledge/latest.json", b"{not json")
    ticker.now = 100
    loaded = reader.current()
    assert loaded.manifest.version == 1 and loaded.manifest.count == 4
    assert reader.last_error
    assert loaded.search(embedder.embed_query("jajka"), 1)[0].chunk.document_id == "jajka"


def test_a_corrupt_only_version_is_a_clear_unavailable_error(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    store.put("indexes/knowledge/v1/vectors.npy", b"\x93NUMPY garbage")
    with pytest.raises(CorruptIndex, match="checksum|truncated"):
        reader_for(store, tmp_path, embedder, Ticker()).current()


def test_a_cached_download_is_not_fetched_again(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    reader_for(store, tmp_path, embedder, Ticker()).current()
    store.delete("indexes/knowledge/v1/vectors.npy")  # a second container on the same /tmp reuses the copy
    assert reader_for(store, tmp_path, embedder, Ticker()).current().manifest.count == 4


def test_index_opens_straight_from_efs_when_configured(
    store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path, knowledge_docs: list[SourceDocument]
) -> None:
    efs = tmp_path / "efs"
    IndexBuilder(publisher_for(store, efs_dir=efs), embedder).rebuild("knowledge", knowledge_docs)
    reader = IndexReader(store, "knowledge", embedder, tmp_path / "cache", efs_dir=efs)
    loaded = reader.current()
    assert loaded.folder == efs / "indexes/knowledge/v1"
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("name", ["../etc", "Upper", "", "a/b"])
def test_index_names_cannot_escape_their_prefix(name: str) -> None:
    from foodsave.errors import InvalidInput

    with pytest.raises(InvalidInput):
        check_index_name(name)
