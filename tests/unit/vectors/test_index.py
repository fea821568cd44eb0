"""VectorIndex: type by size, stable ids, exact deletes, no -1, exact re-ranking, mmap open."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from foodsave.errors import Conflict, InvalidInput
from foodsave.vectors.index import (
    MAX_CHUNKS_PER_DOCUMENT,
    IvfPqParams,
    VectorIndex,
    chunk_id,
    document_id_range,
)
from tests.unit.vectors.conftest import unit_vectors


def test_chunk_ids_are_stable_positive_and_inside_their_document_range() -> None:
    ids = [chunk_id("przepis-42", p) for p in range(5)]
    assert ids == [chunk_id("przepis-42", p) for p in range(5)]
    lo, hi = document_id_range("przepis-42")
    assert all(lo <= i < hi and i > 0 for i in ids)
    assert not lo <= chunk_id("przepis-43", 0) < hi


def test_positions_beyond_the_id_space_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        chunk_id("d", MAX_CHUNKS_PER_DOCUMENT)


def test_small_sets_get_an_exact_flat_index_and_large_ones_ivfpq() -> None:
    assert VectorIndex.build(unit_vectors(100, 32), np.arange(100)).kind == "flat"
    assert VectorIndex.build(unit_vectors(300, 32), np.arange(300), flat_max=200).kind == "ivfpq"


def test_search_never_returns_minus_one_even_when_k_exceeds_the_count() -> None:
    index = VectorIndex.build(unit_vectors(3, 16), np.array([10, 20, 30]))
    hits = index.search(unit_vectors(2, 16, seed=1), k=10)
    assert all(len(row) == 3 and all(h.id in (10, 20, 30) for h in row) for row in hits)


def test_an_empty_index_answers_with_no_hits() -> None:
    index = VectorIndex.build(np.zeros((0, 16), np.float32), np.zeros(0, np.int64))
    assert index.search(unit_vectors(1, 16), 5) == [[]]


def test_deleting_a_document_removes_exactly_its_chunks() -> None:
    ids = np.array([chunk_id(d, p) for d in ("a", "b", "c") for p in range(4)], dtype=np.int64)
    vectors = unit_vectors(len(ids), 16)
    index = VectorIndex.build(vectors, ids)
    assert index.remove_document("b") == 4
    remaining = {h.id for h in index.search(vectors, k=12)[0]}
    assert remaining == {
        int(i) for i in ids if not document_id_range("b")[0] <= i < document_id_range("b")[1]
    }
    assert index.remove_document("b") == 0


def test_duplicate_ids_are_a_conflict() -> None:
    with pytest.raises(Conflict):
        VectorIndex.build(unit_vectors(2, 8), np.array([5, 5]))


@pytest.mark.parametrize("ids", [[3, 1, 2, 1], [-1, 2, 3], [7, 0, -4]])
def test_unordered_duplicate_or_negative_ids_are_a_conflict(ids: list[int]) -> None:
    with pytest.raises(Conflict):
        VectorIndex.build(unit_vectors(len(ids), 8), np.array(ids))


def test_unique_unordered_ids_are_kept_in_id_order() -> None:
    index = VectorIndex.build(unit_vectors(4, 8), np.array([9, 0, 4, 2]))
    assert index.ids.tolist() == [0, 2, 4, 9]


def test_flat_search_finds_the_vector_itself_first() -> None:
    vectors = unit_vectors(50, 24)
    index = VectorIndex.build(vectors, np.arange(100, 150))
    assert [row[0].id for row in index.search(vectors[:5], 1)] == [100, 101, 102, 103, 104]


def test_ivfpq_re_ranks_with_exact_scores() -> None:
    vectors = unit_vectors(2000, 32)
    ids = np.arange(2000, dtype=np.int64) * 3
    index = VectorIndex.build(vectors, ids, kind="ivfpq")
    queries = unit_vectors(20, 32, seed=5)
    exact = queries @ vectors.T
    for q, row in zip(range(20), index.search(queries, 5), strict=True):
        for hit in row:
            assert hit.score == pytest.approx(float(exact[q, hit.id // 3]), abs=1e-5)


def test_ivfpq_recall_at_10_on_clustered_data_is_high() -> None:
    rng = np.random.default_rng(3)
    centres = unit_vectors(20, 64, seed=4)
    points = centres[rng.integers(0, 20, 3020)] + 0.6 * rng.standard_normal((3020, 64)).astype(np.float32) / 8
    points = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    base, queries = points[:3000], points[3000:]
    index = VectorIndex.build(base, np.arange(3000, dtype=np.int64), kind="ivfpq")
    truth = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    found = index.search(queries, 10)
    recall = np.mean(
        [len({h.id for h in row} & set(t.tolist())) / 10 for row, t in zip(found, truth, strict=True)]
    )
    assert recall >= 0.9


@pytest.mark.parametrize("kind", ["flat", "ivfpq"])
def test_saved_index_opens_memory_mapped_and_answers_the_same(tmp_path: Path, kind: str) -> None:
    vectors = unit_vectors(1000, 32)
    index = VectorIndex.build(vectors, np.arange(1000, dtype=np.int64) + 7, kind=kind)  # type: ignore[arg-type]
    index.save(tmp_path)
    opened = VectorIndex.open(tmp_path, index.kind, index.params, mmap=True)
    assert opened.read_only and opened.count == 1000
    queries = unit_vectors(5, 32, seed=9)
    assert [[h.id for h in r] for r in opened.search(queries, 5)] == [
        [h.id for h in r] for r in index.search(queries, 5)
    ]


def test_a_memory_mapped_index_refuses_in_place_deletes(tmp_path: Path) -> None:
    index = VectorIndex.build(unit_vectors(10, 8), np.arange(10))
    index.save(tmp_path)
    opened = VectorIndex.open(tmp_path, "flat")
    with pytest.raises(Conflict):
        opened.remove_ids(np.array([1]))


def test_query_of_the_wrong_dimension_is_invalid() -> None:
    index = VectorIndex.build(unit_vectors(5, 8), np.arange(5))
    with pytest.raises(InvalidInput):
        index.search(unit_vectors(1, 9), 3)


@pytest.mark.parametrize(("n", "nprobe"), [(100_000, 64), (1_000_000, 128), (4_000_000, 256)])
def test_default_nprobe_probes_the_lists_measured_to_reach_recall_095(n: int, nprobe: int) -> None:
    assert IvfPqParams.for_size(n, 384).nprobe == nprobe
