"""FAISS indexes with stable chunk ids: exact Flat for small sets, IVF-PQ plus exact re-ranking for large ones.

Chunk ids are `(hash47(document_id) << 16) | position`, so a document's chunks occupy one id range and
deleting a document removes exactly those. A search never returns FAISS's `-1` padding.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from foodsave.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from numpy.typing import NDArray

IndexKind = Literal["flat", "ivfpq"]

POSITION_BITS = 16
MAX_CHUNKS_PER_DOCUMENT = 1 << POSITION_BITS
DOCUMENT_KEY_BITS = 47  # 47 + 16 = 63 bits: ids stay positive int64
# Below this many vectors an exact Flat index is both faster to build and fast enough to search.
FLAT_MAX_VECTORS = 5000

INDEX_FILE = "index.faiss"
IDS_FILE = "ids.npy"
VECTORS_FILE = "vectors.npy"


_faiss_module: Any = None


def load_faiss() -> Any:
    """faiss, limited to FOODSAVE_FAISS_THREADS OpenMP threads (default 1) in the calling thread.

    A Lambda search is one query at a time, and on small shared machines OpenMP's spinning workers slow
    builds down. The limit is an OpenMP per-thread setting, so it is applied on every call: a thread that
    never set it would let faiss's bundled OpenMP OpenBLAS ask for more threads than OMP_THREAD_LIMIT=1
    (set for Tesseract) grants, and its k-means step would then spin forever.
    """
    global _faiss_module
    threads = max(1, int(os.environ.get("FOODSAVE_FAISS_THREADS", "1")))
    if _faiss_module is None:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
        import faiss

        _faiss_module = faiss
    _faiss_module.omp_set_num_threads(threads)
    return _faiss_module


def document_key(document_id: str) -> int:
    digest = hashlib.blake2b(document_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - DOCUMENT_KEY_BITS)


def chunk_id(document_id: str, position: int) -> int:
    """Stable int64 id of chunk `position` of `document_id`."""
    if not 0 <= position < MAX_CHUNKS_PER_DOCUMENT:
        raise InvalidInput(f"a document may have at most {MAX_CHUNKS_PER_DOCUMENT} chunks")
    return (document_key(document_id) << POSITION_BITS) | position


def document_id_range(document_id: str) -> tuple[int, int]:
    """Half-open id range [lo, hi) holding every chunk of `document_id`."""
    lo = document_key(document_id) << POSITION_BITS
    return lo, lo + MAX_CHUNKS_PER_DOCUMENT


@dataclass(frozen=True)
class IvfPqParams:
    nlist: int
    m: int
    nbits: int
    nprobe: int
    k_factor: int

    @classmethod
    def for_size(cls, n: int, dim: int) -> IvfPqParams:
        """Defaults measured on real multilingual-e5-small embeddings (benchmarks/vector_search.py).

        One 8-bit sub-quantizer per 4 dimensions (96 bytes for 384 dims, ~7% of float32) keeps the PQ
        ranking good enough that re-ranking 16*k candidates exactly recovers the true top k. Probing at least
        64 lists, or 1/32 of them rounded up to a power of two on larger indexes, reaches recall@10 >= 0.95 on
        27k real vectors (64 probes: 0.972), 100k (64: 0.967) and 1M (128: 0.968, where 64 gave 0.922); the
        earlier nlist/80 (16 lists at 100k) gave 0.85.
        """
        nlist = int(min(max(4 * math.sqrt(n), 16), 65536, n // 39))
        m = max(d for d in range(1, max(dim // 4, 1) + 1) if dim % d == 0)
        nbits = int(min(8, max(4, math.floor(math.log2(max(n, 16) / 39)))))
        nprobe = int(min(nlist, max(64, 2 ** math.ceil(math.log2(max(nlist / 32, 1))))))
        return cls(nlist=max(nlist, 1), m=m, nbits=nbits, nprobe=nprobe, k_factor=16)

    def to_dict(self) -> dict[str, int]:
        return {
            "nlist": self.nlist,
            "m": self.m,
            "nbits": self.nbits,
            "nprobe": self.nprobe,
            "k_factor": self.k_factor,
        }


@dataclass(frozen=True)
class Neighbour:
    id: int
    score: float


@dataclass
class VectorIndex:
    """A FAISS index plus the sorted ids and float32 vectors it was built from (used for exact re-ranking)."""

    kind: IndexKind
    faiss_index: Any
    ids: NDArray[np.int64]
    vectors: NDArray[np.float32]
    params: IvfPqParams | None = None
    read_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.faiss_index.d)

    @property
    def count(self) -> int:
        return int(self.ids.shape[0])

    # -- building ----------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        vectors: NDArray[np.float32],
        ids: NDArray[np.int64],
        *,
        kind: IndexKind | Literal["auto"] = "auto",
        params: IvfPqParams | None = None,
        flat_max: int = FLAT_MAX_VECTORS,
        seed: int = 1234,
    ) -> VectorIndex:
        """Build in memory. `auto` picks Flat up to `flat_max` vectors, IVF-PQ with re-ranking above."""
        faiss = load_faiss()

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if vectors.ndim != 2 or vectors.shape[0] != ids.shape[0]:
            raise InvalidInput("vectors must be an (n, dim) matrix with one id per row")
        order = np.argsort(ids, kind="stable")
        ids, vectors = ids[order], vectors[order]
        # Neighbours in id order, not np.unique: that loads numpy.ma (~10 ms of a cold start) to check for masks.
        if ids.size and (ids[0] < 0 or bool((ids[1:] == ids[:-1]).any())):
            raise Conflict("chunk ids must be non-negative and unique")
        n, dim = vectors.shape
        if kind == "auto":
            kind = "flat" if n <= flat_max else "ivfpq"
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            if n:
                index.add_with_ids(vectors, ids)
            return cls(kind="flat", faiss_index=index, ids=ids, vectors=vectors)
        if n < 2 * 39:
            raise InvalidInput("an IVF-PQ index needs at least 78 vectors")
        params = params or IvfPqParams.for_size(n, dim)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFPQ(
            quantizer, dim, params.nlist, params.m, params.nbits, faiss.METRIC_INNER_PRODUCT
        )
        index.cp.seed = seed
        index.pq.cp.seed = seed
        rng = np.random.default_rng(seed)
        index.cp.niter = 15
        train_n = min(n, max(params.nlist * 40, (1 << params.nbits) * 40))
        sample = vectors[np.sort(rng.choice(n, size=train_n, replace=False))] if train_n < n else vectors
        index.train(sample)
        index.add_with_ids(vectors, ids)
        index.nprobe = params.nprobe
        return cls(kind="ivfpq", faiss_index=index, ids=ids, vectors=vectors, params=params)

    def remove_ids(self, remove: NDArray[np.int64]) -> int:
        """Drop the given ids from an in-memory index; returns how many were present."""
        faiss = load_faiss()

        if self.read_only:
            raise Conflict("a memory-mapped index is read-only; rebuild it instead")
        remove = np.asarray(remove, dtype=np.int64)
        keep = ~np.isin(self.ids, remove)
        removed = int((~keep).sum())
        if removed:
            self.faiss_index.remove_ids(faiss.IDSelectorBatch(remove))
            self.ids, self.vectors = self.ids[keep], self.vectors[keep]
        return removed

    def remove_document(self, document_id: str) -> int:
        lo, hi = document_id_range(document_id)
        return self.remove_ids(self.ids[(self.ids >= lo) & (self.ids < hi)])

    # -- searching ---------------------------------------------------------------------------------------
    def search(self, queries: NDArray[np.float32], k: int) -> list[list[Neighbour]]:
        """Top-k neighbours per query by inner product (cosine on unit vectors); never a -1 id."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if queries.shape[1] != self.dim:
            raise InvalidInput(
                f"query dimension {queries.shape[1]} does not match index dimension {self.dim}"
            )
        if k < 1:
            raise InvalidInput("k must be at least 1")
        if self.count == 0:
            return [[] for _ in range(queries.shape[0])]
        k_eff = min(k, self.count)
        if self.kind == "flat":
            scores, labels = self.faiss_index.search(queries, k_eff)
            return [
                [Neighbour(int(i), float(s)) for s, i in zip(srow, lrow, strict=True) if i >= 0]
                for srow, lrow in zip(scores, labels, strict=True)
            ]
        assert self.params is not None
        k_candidates = min(self.count, k_eff * self.params.k_factor)
        _, labels = self.faiss_index.search(queries, k_candidates)
        results: list[list[Neighbour]] = []
        for query, lrow in zip(queries, labels, strict=True):
            candidates = lrow[lrow >= 0]
            if candidates.size == 0:
                results.append([])
                continue
            rows = np.sort(np.searchsorted(self.ids, candidates))  # sorted rows read the file in order
            exact = self.vectors[rows] @ query
            sorted_candidates = self.ids[rows]
            top = np.argsort(-exact, kind="stable")[:k_eff]
            results.append([Neighbour(int(sorted_candidates[j]), float(exact[j])) for j in top])
        return results

    # -- files ---------------------------------------------------------------------------------------------
    def save(self, directory: Path) -> list[str]:
        """Write index.faiss, ids.npy and vectors.npy into `directory`; returns the file names."""
        faiss = load_faiss()

        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.faiss_index, str(directory / INDEX_FILE))
        np.save(directory / IDS_FILE, self.ids, allow_pickle=False)
        np.save(directory / VECTORS_FILE, self.vectors, allow_pickle=False)
        return [INDEX_FILE, IDS_FILE, VECTORS_FILE]

    @classmethod
    def open(
        cls, directory: Path, kind: IndexKind, params: IvfPqParams | None = None, *, mmap: bool = True
    ) -> VectorIndex:
        """Open saved files; with `mmap`, IVF lists use IO_FLAG_MMAP and Flat codes IO_FLAG_MMAP_IFC."""
        faiss = load_faiss()

        flags = 0
        if mmap:
            flags = faiss.IO_FLAG_MMAP if kind == "ivfpq" else faiss.IO_FLAG_MMAP_IFC
        index = faiss.read_index(str(directory / INDEX_FILE), flags)
        mode: Literal["r"] | None = "r" if mmap else None
        ids = np.load(directory / IDS_FILE, mmap_mode=mode, allow_pickle=False)
        vectors = np.load(directory / VECTORS_FILE, mmap_mode=mode, allow_pickle=False)
        if int(index.ntotal) != int(ids.shape[0]) or vectors.shape != (ids.shape[0], index.d):
            raise InvalidInput("index files disagree on the number of vectors")
        if kind == "ivfpq":
            if params is None:
                raise InvalidInput("an IVF-PQ index needs its parameters")
            index.nprobe = params.nprobe
            lists = faiss.downcast_InvertedLists(faiss.extract_index_ivf(index).invlists)
            if hasattr(lists, "prefetch_nthread"):
                # mapped lists would otherwise start prefetch threads on every search call (~1 ms each)
                lists.prefetch_nthread = 0
        # plain ndarray views of the mappings: np.memmap's subclass overhead shows at one query per call
        return cls(
            kind=kind,
            faiss_index=index,
            ids=np.asarray(ids),
            vectors=np.asarray(vectors),
            params=params,
            read_only=mmap,
        )
