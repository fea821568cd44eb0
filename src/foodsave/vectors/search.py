"""SearchService: validated hybrid search (dense embeddings fused with BM25) over the shared corpora and each
user's own documents."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import FoodSaveError, InvalidInput, NotFound, Unavailable
from foodsave.text.letters import restore_letters
from foodsave.vectors.embed import E5_NAME, HashingEmbedder
from foodsave.vectors.fusion import DEFAULT_FUSION, RRF_K, Fusion, Ranking, fuse
from foodsave.vectors.lexicon import is_english, polish_gloss
from foodsave.vectors.load import NGRAMS, IndexReader, LoadedIndex, ScoredChunk
from foodsave.vectors.manifest import household_index_name, user_index_name
from foodsave.vectors.query_cache import QUERY_VECTORS, QueryVectorCache

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from numpy.typing import NDArray

    from foodsave.ports import ObjectStore, Queue
    from foodsave.vectors.embed import Embedder

SCOPES = ("recipes", "knowledge", "documents")
MAX_QUERY_CHARS = 2000
MAX_K = 50
SNIPPET_CHARS = 320
CANDIDATES = 50
# A search whose hits are filtered after ranking reads OVERFETCH times k hits of the same ranking as a plain
# search, then the next ones; when the ranking runs out and the filter still leaves fewer than k, the ranking is
# redone over twice as many candidates while the index has more, up to MAX_FETCH.
OVERFETCH = 2
MAX_FETCH = 400


@dataclass(frozen=True)
class RelevanceFloor:
    """The relevance below which a hit is not about the question, per question language: the multilingual
    model's cosines of English questions with Polish text run lower than those of Polish questions."""

    polish: float
    english: float

    @property
    def english_shift(self) -> float:
        """Added to an English question's relevance so that the Polish floor serves both languages."""
        return self.polish - self.english


# Per embedder, calibrated on the dev questions (both collections whose results have been read) by
# benchmarks/relevance_floor.py: per language, 0.02 below the right answers' relevance once the lowest 2 % of
# them (at least one) are set aside; an embedder not listed has no floor.
RELEVANCE_FLOOR = {
    E5_NAME: RelevanceFloor(polish=0.8829, english=0.8924),
    HashingEmbedder().name: RelevanceFloor(polish=0.1717, english=0.2358),
}
# A hit's relevance: its cosine plus this share of its lexical coverage of the question, per question language
# (chosen on dev, where coverage tells unanswerable questions apart better than the cosine of a multilingual
# model does; an English question's coverage goes through the lexicon and counts for more).
COVERAGE_WEIGHT = 0.2
COVERAGE_WEIGHT_EN = 0.6


@dataclass(frozen=True)
class SearchHit:
    score: float
    snippet: str
    source: str
    title: str
    document_id: str
    chunk: int
    text: str
    relevance: float = 0.0

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
        fusion: Fusion = DEFAULT_FUSION,
        rrf_k: int = RRF_K,
        query_vectors: QueryVectorCache = QUERY_VECTORS,
    ) -> None:
        """With a `queue`, an index built by another embedder is refused and its rebuild queued; query vectors
        come through `query_vectors` (the process's cache unless another is given)."""
        self.query_vectors = query_vectors
        self.store = store
        self.queue = queue
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.refresh_seconds = refresh_seconds
        self.efs_dir = efs_dir
        self.max_user_indexes = max_user_indexes
        self._shared: dict[str, IndexReader] = {}
        self._users: OrderedDict[str, IndexReader] = OrderedDict()
        self._adopting: set[str] = set()
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
    def relevance_floor(self) -> float:
        """Hits whose relevance is below this are not about the question, for this service's embedder (an
        English question's relevance is shifted by `relevance_shift` to be compared with the same floor)."""
        floor = RELEVANCE_FLOOR.get(self.embedder.name)
        return floor.polish if floor else 0.0

    def relevance_shift(self, query: str) -> float:
        """What search adds to the relevance of hits for `query`: the gap between the Polish and English floors
        for an English question, else 0."""
        floor = RELEVANCE_FLOOR.get(self.embedder.name)
        return floor.english_shift if floor and is_english(query) else 0.0

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
            return self._owned(user_index_name(user_id))

    def _owned(self, name: str) -> IndexReader:
        """The reader of a user's or household's index, kept in the LRU (called under the lock)."""
        reader = self._users.pop(name, None) or self._new_reader(name)
        self._users[name] = reader
        while len(self._users) > self.max_user_indexes:
            self._users.popitem(last=False)
        return reader

    def household_reader(self, household_id: str) -> IndexReader:
        """The reader of a household's shared index. While it is published only under its legacy name, that
        one is read and the index-builder is asked (once per container) to rebuild it under its own name."""
        with self._lock:
            reader = self._owned(household_index_name(household_id))
        if _published(reader):
            return reader
        with self._lock:
            legacy = self._owned(user_index_name(household_id))
        if not _published(legacy):
            return reader
        if self.queue is not None and household_id not in self._adopting:
            self._adopting.add(household_id)
            try:
                self._request_rebuild(reader.name)
            except FoodSaveError:
                self._adopting.discard(household_id)  # asked again on the next search
        return legacy

    def documents_published(self, user_id: str, household_id: str | None) -> bool:
        """Whether the user's index or their household's has been published."""
        readers = [self.reader("documents", user_id)]
        if household_id:
            readers.append(self.household_reader(household_id))
        return any(_published(r) for r in readers)

    def search(
        self,
        query: str,
        k: int = 10,
        scope: str = "recipes",
        user_id: str | None = None,
        household_id: str | None = None,
        keep: Callable[[list[SearchHit]], list[SearchHit]] | None = None,
    ) -> list[SearchHit]:
        """Best hits first. With `household_id`, documents searches the user's personal index and the
        household's shared one, merged by relevance. With `keep`, the hits it keeps, in the order of the plain
        search's ranking read further (documents deleted while the index-builder lags are filtered out after
        ranking and others take their place, so that `k` hits remain while the indexes hold them)."""
        query = validate(query, k, scope)
        pool = max(k, CANDIDATES)
        rankings = self._rankings(query, scope, user_id, household_id, pool)
        if keep is None:
            return self._pages(query, scope, rankings, k, 0, 1)
        kept: list[SearchHit] = []
        seen: set[tuple[str, int]] = set()
        start = 0
        while True:
            fresh = [
                h for h in self._pages(query, scope, rankings, k, start, OVERFETCH) if _key(h) not in seen
            ]
            seen.update(map(_key, fresh))
            kept += keep(fresh)
            start += OVERFETCH
            if len(kept) >= k:
                return kept[:k]
            if any(start * k < len(r.order) for r in rankings):
                continue
            if pool >= MAX_FETCH or all(len(r.order) < pool for r in rankings):
                return kept
            pool, start = min(pool * 2, MAX_FETCH), 0
            rankings = self._rankings(query, scope, user_id, household_id, pool)

    def _rankings(
        self, query: str, scope: str, user_id: str | None, household_id: str | None, pool: int
    ) -> list[Ranking]:
        """The fused ranking of each index searched (none for a user who has no documents index yet)."""
        readers = [self.reader(scope, user_id)]
        if scope == "documents" and household_id:
            readers.append(self.household_reader(household_id))
        out = []
        for reader in readers:
            try:
                loaded = reader.current()
            except NotFound:
                if scope == "documents":
                    continue  # this user has not indexed any document yet
                raise Unavailable(
                    f"the {scope} index has not been published yet", code="IndexNotPublished"
                ) from None
            out.append(self._ranked(loaded, query, pool))
        return out

    def _pages(
        self, query: str, scope: str, rankings: list[Ranking], k: int, start: int, count: int
    ) -> list[SearchHit]:
        """Pages `start` to `start + count` of `k` hits: each the next k of every ranking, merged by relevance
        when there are several (the first page is what a plain search returns)."""
        per_index = [self._hits(query, scope, r, start * k, (start + count) * k) for r in rankings]
        out: list[SearchHit] = []
        for page in range(count):
            hits = [h for hits in per_index for h in hits[page * k : (page + 1) * k]]
            out += sorted(hits, key=lambda h: h.relevance, reverse=True) if len(per_index) > 1 else hits
        return out

    def _hits(self, query: str, scope: str, ranking: Ranking, start: int, stop: int) -> list[SearchHit]:
        """The hits at positions `start` to `stop` of a ranking (one read of their chunks)."""
        ids = ranking.order[start:stop]
        if not ids:
            return []
        loaded = ranking.loaded
        records = loaded.meta.get_many(ids)
        coverage = loaded.lexical().coverage(query, [i for i in ids if i in records])
        shift = self.relevance_shift(query)
        share = COVERAGE_WEIGHT_EN if is_english(query) else COVERAGE_WEIGHT
        hits = [ScoredChunk(ranking.cosine.get(i, 0.0), records[i]) for i in ids if i in records]
        return [
            SearchHit(
                score=hit.score,
                snippet=snippet(hit.chunk.text),
                source=hit.chunk.source or scope,
                title=hit.chunk.title,
                document_id=hit.chunk.document_id,
                chunk=hit.chunk.position,
                text=hit.chunk.text,
                relevance=hit.score + share * coverage.get(hit.chunk.id, 0.0) + shift,
            )
            for hit in hits
        ]

    def _query_vectors(self, loaded: LoadedIndex, query: str, english: bool) -> list[NDArray[np.float32]]:
        """The question's vector, and that of its Polish gloss (English) or of its words spelt with the Polish
        letters the index uses (a Polish question typed without them: `zamrozic` -> `zamrozić`)."""
        vectors = [self.query_vectors.embed_query(self.embedder, query)]
        if english:
            second = polish_gloss(query)
        elif self.fusion.restore_letters and query.isascii() and not is_english(query):
            second = restore_letters(query, loaded.spellings())
            second = second if second != query.lower() else ""
        else:
            second = ""
        if second:
            vectors.append(self.query_vectors.embed_query(self.embedder, second))
        return vectors

    def _ranked(self, loaded: LoadedIndex, query: str, pool: int) -> Ranking:
        """Dense candidates fused with BM25 candidates, `pool` of each (foodsave.vectors.fusion)."""
        english = self.fusion.translate and is_english(query)
        vectors = self._query_vectors(loaded, query, english)
        ngrams = not english and self.embedder.name != NGRAMS.name
        return fuse(
            loaded, query, vectors, pool, self.fusion, english=english, ngrams=ngrams, rrf_k=self.rrf_k
        )


def _key(hit: SearchHit) -> tuple[str, int]:
    return hit.document_id, hit.chunk


def _published(reader: IndexReader) -> bool:
    """Whether the index has been published (one that fails to load is, and its error surfaces on search)."""
    try:
        reader.current()
    except NotFound:
        return False
    except FoodSaveError:
        return True
    return True
