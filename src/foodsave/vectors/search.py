"""SearchService: validated hybrid search (dense embeddings fused with BM25) over the shared corpora and each
user's own documents."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import InvalidInput, NotFound, Unavailable
from foodsave.vectors.lexical import reciprocal_rank_fusion
from foodsave.vectors.load import IndexReader, LoadedIndex, ScoredChunk
from foodsave.vectors.manifest import user_index_name

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from foodsave.ports import ObjectStore, Queue
    from foodsave.vectors.embed import Embedder

SCOPES = ("recipes", "knowledge", "documents")
MAX_QUERY_CHARS = 2000
MAX_K = 50
SNIPPET_CHARS = 320
# Hybrid retrieval, chosen on the dev split of benchmarks/data/retrieval_eval_*.jsonl (benchmarks/retrieval.py):
# the dense and BM25 rankings of the top CANDIDATES chunks are fused by weighted reciprocal rank.
CANDIDATES = 50
LEXICAL_WEIGHT = 0.5
RRF_K = 60


@dataclass(frozen=True)
class SearchHit:
    score: float
    snippet: str
    source: str
    title: str
    document_id: str
    chunk: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 6),
            "snippet": self.snippet,
            "source": self.source,
            "title": self.title,
            "document_id": self.document_id,
            "chunk": self.chunk,
        }


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1] + "…"


def validate(query: str, k: int, scope: str) -> str:
    query = (query or "").strip()
    if not query:
        raise InvalidInput("query must not be empty", code="EmptyQuery")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"query is longer than {MAX_QUERY_CHARS} characters", code="QueryTooLong")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be between 1 and {MAX_K}", code="InvalidK")
    if scope not in SCOPES:
        raise InvalidInput(
            f"unknown scope {scope!r} (expected one of {', '.join(SCOPES)})", code="UnknownScope"
        )
    return query


class SearchService:
    """Holds one IndexReader per index; user indexes are kept in a small LRU."""

    def __init__(
        self,
        store: ObjectStore,
        embedder: Embedder,
        cache_dir: Path,
        *,
        refresh_seconds: float = 60.0,
        efs_dir: Path | None = None,
        max_user_indexes: int = 64,
        queue: Queue | None = None,
        lexical_weight: float = LEXICAL_WEIGHT,
        rrf_k: int = RRF_K,
    ) -> None:
        """With a `queue`, an index built by another embedder is refused and its rebuild queued."""
        self.store = store
        self.queue = queue
        self.lexical_weight = lexical_weight
        self.rrf_k = rrf_k
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.refresh_seconds = refresh_seconds
        self.efs_dir = efs_dir
        self.max_user_indexes = max_user_indexes
        self._shared: dict[str, IndexReader] = {}
        self._users: OrderedDict[str, IndexReader] = OrderedDict()
        self._lock = threading.Lock()

    def _new_reader(self, name: str) -> IndexReader:
        return IndexReader(
            self.store,
            name,
            self.embedder,
            self.cache_dir,
            refresh_seconds=self.refresh_seconds,
            efs_dir=self.efs_dir,
            on_mismatch=self._request_rebuild if self.queue is not None else None,
        )

    def _request_rebuild(self, name: str) -> None:
        from foodsave.vectors.jobs import rebuild_job

        assert self.queue is not None
        self.queue.send(rebuild_job(name))

    @property
    def degraded(self) -> list[str]:
        """Parts answering below par: `search_model` when the multilingual model fell back to n-grams."""
        return ["search_model"] if getattr(self.embedder, "degraded_reason", None) else []

    def reader(self, scope: str, user_id: str | None) -> IndexReader:
        with self._lock:
            if scope != "documents":
                if scope not in self._shared:
                    self._shared[scope] = self._new_reader(scope)
                return self._shared[scope]
            if not user_id:
                raise InvalidInput("searching documents needs a user", code="UserRequired")
            name = user_index_name(user_id)
            reader = self._users.pop(name, None) or self._new_reader(name)
            self._users[name] = reader
            while len(self._users) > self.max_user_indexes:
                self._users.popitem(last=False)
            return reader

    def search(
        self, query: str, k: int = 10, scope: str = "recipes", user_id: str | None = None
    ) -> list[SearchHit]:
        query = validate(query, k, scope)
        reader = self.reader(scope, user_id)
        try:
            loaded = reader.current()
        except NotFound:
            if scope == "documents":
                return []  # this user has not indexed any document yet
            raise Unavailable(
                f"the {scope} index has not been published yet", code="IndexNotPublished"
            ) from None
        vector = self.embedder.embed_query(query)
        return [
            SearchHit(
                score=hit.score,
                snippet=snippet(hit.chunk.text),
                source=hit.chunk.source or scope,
                title=hit.chunk.title,
                document_id=hit.chunk.document_id,
                chunk=hit.chunk.position,
                text=hit.chunk.text,
            )
            for hit in self._ranked(loaded, query, vector, k)
        ]

    def _ranked(
        self, loaded: LoadedIndex, query: str, vector: NDArray[np.float32], k: int
    ) -> list[ScoredChunk]:
        """Dense hits fused with BM25 hits; each keeps its cosine similarity as its score."""
        dense = loaded.search(vector, max(k, CANDIDATES))
        if self.lexical_weight <= 0:
            return dense[:k]
        lexical = [chunk_id for chunk_id, _ in loaded.lexical().search(query, max(k, CANDIDATES))]
        order = reciprocal_rank_fusion(
            [[hit.chunk.id for hit in dense], lexical], [1.0, self.lexical_weight], k=self.rrf_k
        )[:k]
        by_id = {hit.chunk.id: hit for hit in dense}
        missing = [i for i in order if i not in by_id]
        if missing:
            records = loaded.meta.get_many(missing)
            scores = loaded.similarity(vector, missing)
            by_id.update({i: ScoredChunk(scores.get(i, 0.0), records[i]) for i in missing if i in records})
        return [by_id[i] for i in order if i in by_id]
