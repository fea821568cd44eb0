"""The spellings published with an index version (listed and checksummed in the manifest: test_lexical_table.py)
are the table built from the chunks, and a version without them (or with an unreadable file) still has them."""

from __future__ import annotations

from pathlib import Path

import pytest

from foodsave.adapters.local import FrozenClock, LocalObjectStore
from foodsave.vectors.corpus import build_corpus_index
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.load import LoadedIndex
from foodsave.vectors.search import SearchService
from foodsave.vectors.spelling_table import SPELLINGS_FILE, chunk_spellings, read_spellings
from tests.unit.vectors.conftest import PUBLISHED_AT


@pytest.fixture
def recipes(tmp_path: Path, embedder: HashingEmbedder) -> LoadedIndex:
    store = LocalObjectStore(tmp_path / "objects", "test-bucket")
    build_corpus_index("recipes", store=store, embedder=embedder, clock=FrozenClock(PUBLISHED_AT))
    return SearchService(store, embedder, tmp_path / "cache").reader("recipes", None).current()


def test_the_published_spellings_are_those_of_the_versions_chunks(recipes: LoadedIndex) -> None:
    published = read_spellings(recipes.folder / SPELLINGS_FILE)
    built = chunk_spellings(recipes.meta.all())
    assert built and dict(published) == built
    assert recipes.spellings().get("pomidorowa") is None and recipes.spellings()["maki"] == "mąki"


def test_a_version_published_without_spellings_builds_them_from_its_chunks(recipes: LoadedIndex) -> None:
    expected = dict(recipes.spellings())
    del recipes.manifest.files[SPELLINGS_FILE]
    recipes._spellings = None
    assert recipes.spellings() == expected


def test_an_unreadable_spellings_file_is_replaced_by_spellings_built_from_the_chunks(
    recipes: LoadedIndex,
) -> None:
    expected = dict(recipes.spellings())
    (recipes.folder / SPELLINGS_FILE).write_bytes(b"\xff\xfe not text")
    recipes._spellings = None
    assert recipes.spellings() == expected
