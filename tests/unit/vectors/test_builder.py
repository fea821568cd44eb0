"""IndexBuilder: adding, re-adding and deleting documents of a per-user index."""

from __future__ import annotations

from pathlib import Path

from foodsave.adapters.local import LocalObjectStore
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.load import IndexReader


def _doc_ids(store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path, name: str) -> set[str]:
    loaded = IndexReader(store, name, embedder, tmp_path / "cache", refresh_seconds=0).current()
    return {r.document_id for r in loaded.meta.all()}


def test_adding_documents_grows_the_index(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    for doc in knowledge_docs:
        builder.add_document("user-a", doc)
    assert _doc_ids(store, embedder, tmp_path, "user-a") == {d.document_id for d in knowledge_docs}


def test_re_adding_an_unchanged_document_publishes_nothing(
    builder: IndexBuilder, knowledge_docs: list[SourceDocument]
) -> None:
    assert builder.add_document("user-a", knowledge_docs[0]) is not None
    assert builder.add_document("user-a", knowledge_docs[0]) is None


def test_a_changed_document_replaces_its_old_chunks(
    builder: IndexBuilder, store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    long_text = "\n\n".join(f"Akapit numer {i} o przechowywaniu żywności w spiżarni." * 6 for i in range(6))
    builder.add_document("user-a", SourceDocument("notes", "Notatki", long_text))
    manifest = builder.add_document("user-a", SourceDocument("notes", "Notatki", "Krótka notatka."))
    assert manifest is not None and manifest.count == 1


def test_deleting_a_document_removes_exactly_its_chunks(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    for doc in knowledge_docs:
        builder.add_document("user-a", doc)
    manifest = builder.delete_document("user-a", "chleb")
    assert manifest is not None and "chleb" not in manifest.documents
    assert _doc_ids(store, embedder, tmp_path, "user-a") == {"mleko", "jajka", "pleśń"}


def test_deleting_an_absent_document_publishes_nothing(
    builder: IndexBuilder, knowledge_docs: list[SourceDocument]
) -> None:
    builder.add_document("user-a", knowledge_docs[0])
    assert builder.delete_document("user-a", "nie-ma") is None
    assert builder.delete_document("user-nobody", "nie-ma") is None


def test_deleting_the_last_document_leaves_an_empty_searchable_index(
    builder: IndexBuilder,
    store: LocalObjectStore,
    embedder: HashingEmbedder,
    tmp_path: Path,
    knowledge_docs: list[SourceDocument],
) -> None:
    builder.add_document("user-a", knowledge_docs[0])
    builder.delete_document("user-a", knowledge_docs[0].document_id)
    loaded = IndexReader(store, "user-a", embedder, tmp_path / "cache").current()
    assert loaded.search(embedder.embed_query("mleko"), 5) == []
