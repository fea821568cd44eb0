"""The spellings published with an index version, in its chunk database: the same table as one built from the
chunks, looked up word by word; a version published without them builds them from its chunks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from foodsave.adapters.local import FrozenClock, LocalObjectStore
from foodsave.vectors.corpus import build_corpus_index
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.load import LoadedIndex, chunk_spellings
from foodsave.vectors.manifest import META_FILE, ChunkRecord, MetaReader, write_meta
from foodsave.vectors.search import SearchService
from tests.unit.vectors.conftest import PUBLISHED_AT


@pytest.fixture
def recipes(tmp_path: Path, embedder: HashingEmbedder) -> LoadedIndex:
    store = LocalObjectStore(tmp_path / "objects", "test-bucket")
    build_corpus_index("recipes", store=store, embedder=embedder, clock=FrozenClock(PUBLISHED_AT))
    return SearchService(store, embedder, tmp_path / "cache").reader("recipes", None).current()


def test_the_published_spellings_are_those_of_the_versions_chunks(recipes: LoadedIndex) -> None:
    published = recipes.meta.spellings()
    built = chunk_spellings(recipes.meta.all())
    assert published is not None and built
    assert dict(published) == built and len(published) == len(built)
    assert recipes.spellings().get("pomidorowa") is None and recipes.spellings()["maki"] == "mąki"


def test_a_version_published_without_spellings_builds_them_from_its_chunks(
    recipes: LoadedIndex, tmp_path: Path
) -> None:
    expected = dict(recipes.spellings())
    bare = tmp_path / "bare" / META_FILE
    bare.parent.mkdir()
    write_meta(bare, recipes.meta.all())
    older = LoadedIndex(recipes.manifest, recipes.index, MetaReader(bare), bare.parent)
    assert older.meta.spellings() is None
    assert dict(older.spellings()) == expected


def test_the_spellings_table_is_written_only_when_given(tmp_path: Path) -> None:
    record = ChunkRecord(1, "d", 0, "Żółta zupa", "t", "recipes")
    write_meta(tmp_path / "with.sqlite", [record], {"zolta": "żółta"})
    write_meta(tmp_path / "without.sqlite", [record])
    tables = {
        name: {row[0] for row in sqlite3.connect(tmp_path / name).execute("SELECT name FROM sqlite_master")}
        for name in ("with.sqlite", "without.sqlite")
    }
    assert "spellings" in tables["with.sqlite"] and "spellings" not in tables["without.sqlite"]
    assert dict(MetaReader(tmp_path / "with.sqlite").spellings() or {}) == {"zolta": "żółta"}
