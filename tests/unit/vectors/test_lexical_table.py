"""The BM25 table published with an index version: listed and checksummed in the manifest, read back memory-mapped
into a ranking identical to one built from the chunks, refused when it is not a table, ignored when another
tokenizer wrote it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsave.adapters.local import FrozenClock, LocalObjectStore
from foodsave.vectors import lexical_table
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.corpus import build_corpus_index
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.lexical import Bm25
from foodsave.vectors.lexical_table import LEXICAL_FILE, read_table, write_table
from foodsave.vectors.load import LoadedIndex
from foodsave.vectors.search import SearchService
from tests.unit.vectors.conftest import PUBLISHED_AT

QUERIES = (
    "zupa pomidorowa",
    "Jak długo można trzymać otwarte mleko w lodówce?",
    "how long does bread keep",
    "pierogi ruskie z cebulką",
    "ciasto drożdżowe bez jajek",
    "E621 glutaminian",
)


def _saved(tmp_path: Path, ranking: Bm25) -> Path:
    path = tmp_path / LEXICAL_FILE
    write_table(path, ranking)
    return path


def test_a_published_version_lists_its_bm25_table_with_a_checksum(
    builder: IndexBuilder, store: LocalObjectStore, knowledge_docs: list[SourceDocument]
) -> None:
    manifest = builder.rebuild("knowledge", knowledge_docs)
    assert manifest is not None
    entry = manifest.files[LEXICAL_FILE]
    body = store.get(f"indexes/knowledge/v{manifest.version}/{LEXICAL_FILE}")
    assert len(body) == entry["bytes"] and len(entry["sha256"]) == 64


def test_search_answers_the_same_with_the_published_table_as_with_one_built_from_the_chunks(
    tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalObjectStore(tmp_path / "objects", "test-bucket")
    build_corpus_index("recipes", store=store, embedder=embedder, clock=FrozenClock(PUBLISHED_AT))
    published = SearchService(store, embedder, tmp_path / "published")
    answers = {q: published.search(q, 10, "recipes") for q in QUERIES}
    assert read_table(published.reader("recipes", None).current().folder / LEXICAL_FILE) is not None

    monkeypatch.setattr(LoadedIndex, "_published_lexical", lambda self: None)
    built = SearchService(store, embedder, tmp_path / "built")
    assert {q: built.search(q, 10, "recipes") for q in QUERIES} == answers


chunk_texts = st.lists(
    st.lists(
        st.sampled_from(["zupa", "zupy", "mleko", "chleb", "E621", "3,2%", "jajka", "mąki", "the", "x"])
    ).map(" ".join),
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(texts=chunk_texts, query=st.sampled_from(QUERIES + ("zupy mleko", "jajko 3,2%")))
def test_a_table_read_back_ranks_and_covers_exactly_as_the_ranking_it_was_written_from(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], query: str
) -> None:
    ids = [7 * i + 3 for i in range(len(texts))]
    built = Bm25(ids, texts)
    loaded = read_table(_saved(tmp_path_factory.mktemp("table"), built))
    assert loaded is not None
    assert loaded.search(query, 50) == built.search(query, 50)
    assert loaded.coverage(query, ids) == built.coverage(query, ids)


def test_a_table_written_by_another_tokenizer_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexical_table, "analyzer_fingerprint", lambda: "another-tokenizer")
    path = _saved(tmp_path, Bm25([1], ["zupa pomidorowa"]))
    monkeypatch.undo()
    assert read_table(path) is None


def test_an_archive_holding_a_pickled_object_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / LEXICAL_FILE
    with path.open("wb") as fh:
        np.savez(fh, ids=np.asarray([object()], dtype=object))
    with pytest.raises(ValueError, match="not a flat array"):
        read_table(path)


def test_a_compressed_archive_is_refused(tmp_path: Path) -> None:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ids.npy", b"\x93NUMPY")
    path = tmp_path / LEXICAL_FILE
    path.write_bytes(raw.getvalue())
    with pytest.raises(ValueError, match="not a stored"):
        read_table(path)


def test_an_empty_ranking_round_trips(tmp_path: Path) -> None:
    loaded = read_table(_saved(tmp_path, Bm25([], [])))
    assert loaded is not None and loaded.search("zupa", 5) == []
