"""The process's query-vector cache: one embedding per question and model, bounded, never shared between
embedders or versions, and read-only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.query_cache import QueryVectorCache, normalise_query


class CountingEmbedder(HashingEmbedder):
    """The real hashed n-gram embedder, counting the queries it is asked to embed."""

    def __init__(self, version: str = "1", dim: int = 64) -> None:
        super().__init__(dim=dim)
        self.version = version
        self.queries: list[str] = []

    def embed_query(self, text: str):  # type: ignore[no-untyped-def]
        self.queries.append(text)
        return super().embed_query(text)


def test_a_repeated_question_is_embedded_once_and_counted_as_a_hit():
    cache, embedder = QueryVectorCache(), CountingEmbedder()
    first = cache.embed_query(embedder, "zupa pomidorowa")
    again = cache.embed_query(embedder, "  zupa   pomidorowa ")
    assert embedder.queries == ["zupa pomidorowa"]
    assert np.array_equal(first, again)
    assert cache.stats() == {"entries": 1, "hits": 1, "misses": 1}


def test_the_cached_vector_is_the_embedders_vector_of_the_normalised_question():
    cache, embedder = QueryVectorCache(), CountingEmbedder()
    cached = cache.embed_query(embedder, "mrożenie\tmięsa")
    assert np.array_equal(cached, HashingEmbedder(dim=64).embed_query("mrożenie mięsa"))


def test_another_embedder_version_never_gets_a_vector_made_by_the_first():
    cache = QueryVectorCache()
    old, new = CountingEmbedder(version="1"), CountingEmbedder(version="2")
    cache.embed_query(old, "ryż z warzywami")
    cache.embed_query(new, "ryż z warzywami")
    assert new.queries == ["ryż z warzywami"]
    assert len(cache) == 2


def test_another_embedder_of_the_same_version_gets_its_own_vector():
    cache = QueryVectorCache()
    small, large = CountingEmbedder(dim=64), CountingEmbedder(dim=128)
    assert cache.embed_query(small, "chleb").shape == (64,)
    assert cache.embed_query(large, "chleb").shape == (128,)


def test_the_cache_keeps_at_most_its_bound_dropping_the_least_recently_used():
    cache, embedder = QueryVectorCache(max_entries=2), CountingEmbedder()
    cache.embed_query(embedder, "a1")
    cache.embed_query(embedder, "b2")
    cache.embed_query(embedder, "a1")  # a1 is now the most recent
    cache.embed_query(embedder, "c3")  # b2 goes
    cache.embed_query(embedder, "a1")
    cache.embed_query(embedder, "b2")
    assert embedder.queries == ["a1", "b2", "c3", "b2"]
    assert len(cache) == 2


def test_a_cached_vector_cannot_be_changed_by_a_caller():
    vector = QueryVectorCache().embed_query(CountingEmbedder(), "masło")
    with pytest.raises(ValueError):
        vector[0] = 1.0


def test_a_cache_without_room_is_refused():
    with pytest.raises(ValueError):
        QueryVectorCache(max_entries=0)


@given(st.text(max_size=40))
def test_normalising_a_question_is_idempotent_and_leaves_no_edge_or_double_spaces(text):
    once = normalise_query(text)
    assert normalise_query(once) == once
    assert once == once.strip() and "  " not in once
