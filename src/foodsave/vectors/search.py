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
from foodsave.vectors.lexical import reciprocal_rank_fusion, score_fusion
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
RRF_K = 60
# A search whose hits are filtered after ranking asks for OVERFETCH times k, then twice as many while the filter
# leaves fewer than k and the index has more, up to MAX_FETCH.
OVERFETCH = 2
MAX_FETCH = 400


@dataclass(frozen=True)
class Fusion:
    """How the dense and BM25 rankings of the top CANDIDATES chunks are combined.

    `method` "sum" adds the scaled scores (cosine min-max over the candidates, BM25 over its maximum) with the
    lexical side weighted; "rrf" fuses the two rankings by weighted reciprocal rank. English questions have
    their own lexical weight and, with `translate`, a dense score that is the mean of the question's cosine and
    that of its Polish gloss (vectors/lexicon.py), since the model matches English to Polish text weakly.
    Other questions add, with `ngram_weight`, the similarity of hashed character n-grams (inflected Polish forms
    share most of them); not when the embedder is itself the n-gram one. With `restore_letters`, a Polish
    question typed without Polish letters is also embedded with its words spelt as in the index, its dense score
    the mean of both cosines.
    """

    method: str = "sum"
    lexical_weight: float = 1.0
    lexical_weight_en: float = 1.0
    translate: bool = True
    ngram_weight: float = 0.0
    restore_letters: bool = True

    def weight(self, english: bool) -> float:
        return self.lexical_weight_en if english else self.lexical_weight


# Chosen on the dev questions (benchmarks/retrieval.py: the dev splits of benchmarks/data/retrieval_eval_*.jsonl,
# the read fresh split and the knowledge-corpus questions): score sum, BM25 and dense cosine weighted alike,
# n-grams for Polish questions. Polish BM25 0.43 and n-grams 0.5 score 0.006 higher on all dev questions
# together, but lower the Polish relevance floor so that it refuses a quarter fewer unanswerable questions.
DEFAULT_FUSION = Fusion("sum", lexical_weight=1.0, lexical_weight_en=1.0, ngram_weight=1.0)


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
# benchmarks/relevance_floor.py; an embedder not listed has no floor.
RELEVANCE_FLOOR = {
    E5_NAME: RelevanceFloor(polish=0.8783, english=0.8344),
    HashingEmbedder().name: RelevanceFloor(polish=0.1147, english=0.1604),
}
# A hit's relevance: its cosine plus this share of its lexical coverage of the question, per question language
# (chosen on dev, where coverage tells unanswerable questions apart better than the cosine of a multilingual
# model does; an English question's coverage goes through the lexicon and counts for more).
COVERAGE_WEIGHT = 0.2
COVERAGE_WEIGHT_EN = 0.6
# ... plus, for a Polish question, this share of its lead: how far its cosine is above the best cosine of the
# other candidates (0 for all but the nearest chunk). A question the documents answer tends to have one chunk
# clearly nearest; one they do not answer, several about equally near (chosen on dev, where it refuses more
# unanswerable Polish questions at no cost in right answers; English cosines with Polish text are too close
# together for the lead to tell them apart), per embedder: the n-gram fallback's leads tell nothing apart.
LEAD_WEIGHT = {E5_NAME: 1.0}


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
        lead_weight: float | None = None,
    ) -> None:
        """With a `queue`, an index built by another embedder is refused and its rebuild queued; query vectors
        come through `query_vectors` (the process's cache unless another is given); `lead_weight` is the share
        of a hit's lead in the relevance of a Polish question's hits (LEAD_WEIGHT's for the embedder unless
        given)."""
        self.query_vectors = query_vectors
        self.lead_weight = LEAD_WEIGHT.get(embedder.name, 0.0) if lead_weight is None else lead_weight
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
        household's shared one, merged by relevance. With `keep`, the hits it keeps (in order): more are
        fetched while it leaves fewer than `k` and the indexes hold more, so a filter after ranking (documents
        deleted while the index-builder lags) still yields `k` hits."""
        query = validate(query, k, scope)
        if keep is None:
            return self._search(query, k, scope, user_id, household_id)
        n = k * OVERFETCH
        while True:
            hits = self._search(query, n, scope, user_id, household_id)
            kept = keep(hits)
            if len(kept) >= k or len(hits) < n or n >= MAX_FETCH:
                return kept[:k]
            n = min(n * 2, MAX_FETCH)

    def _search(
        self, query: str, k: int, scope: str, user_id: str | None, household_id: str | None
    ) -> list[SearchHit]:
        reader = self.reader(scope, user_id)
        if scope == "documents" and household_id:
            hits = self._hits(query, k, scope, reader) + self._hits(
                query, k, scope, self.household_reader(household_id)
            )
            return sorted(hits, key=lambda h: h.relevance, reverse=True)[:k]
        return self._hits(query, k, scope, reader)

    def _hits(self, query: str, k: int, scope: str, reader: IndexReader) -> list[SearchHit]:
        try:
            loaded = reader.current()
        except NotFound:
            if scope == "documents":
                return []  # this user has not indexed any document yet
            raise Unavailable(
                f"the {scope} index has not been published yet", code="IndexNotPublished"
            ) from None
        ranked, lead = self._ranked(loaded, query, k)
        coverage = loaded.lexical().coverage(query, [hit.chunk.id for hit in ranked])
        shift = self.relevance_shift(query)
        english = is_english(query)
        share = COVERAGE_WEIGHT_EN if english else COVERAGE_WEIGHT
        lead_weight = 0.0 if english else self.lead_weight
        return [
            SearchHit(
                score=hit.score,
                snippet=snippet(hit.chunk.text),
                source=hit.chunk.source or scope,
                title=hit.chunk.title,
                document_id=hit.chunk.document_id,
                chunk=hit.chunk.position,
                text=hit.chunk.text,
                relevance=hit.score
                + share * coverage.get(hit.chunk.id, 0.0)
                + lead_weight * lead(hit.score)
                + shift,
            )
            for hit in ranked
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

    def _ranked(
        self, loaded: LoadedIndex, query: str, k: int
    ) -> tuple[list[ScoredChunk], Callable[[float], float]]:
        """Dense candidates fused with BM25 candidates; each hit keeps its (mean) cosine similarity as its score.
        With them, a hit's lead by its cosine over the best of the other candidates (0 when it has none)."""
        english = self.fusion.translate and is_english(query)
        vectors = self._query_vectors(loaded, query, english)
        n = max(k, CANDIDATES)
        weight = self.fusion.weight(english)
        lexical = loaded.lexical().search(query, n) if weight > 0 else []
        dense_ids = [hit.chunk.id for vector in vectors for hit in loaded.search(vector, n)]
        candidates = list(dict.fromkeys([*dense_ids, *(i for i, _ in lexical)]))
        per_vector = [loaded.similarity(vector, candidates) for vector in vectors]
        cosine = {i: sum(s.get(i, 0.0) for s in per_vector) / len(per_vector) for i in per_vector[0]}
        by_cosine = sorted(cosine, key=lambda i: (-cosine[i], i))
        ngram_weight = 0.0 if english or self.embedder.name == NGRAMS.name else self.fusion.ngram_weight
        ngrams = loaded.ngram_similarity(query, candidates) if ngram_weight > 0 else {}
        if weight <= 0 and ngram_weight <= 0:
            order = by_cosine
        elif self.fusion.method == "rrf":
            by_ngrams = sorted(ngrams, key=lambda i: (-ngrams[i], i))
            order = reciprocal_rank_fusion(
                [by_cosine[:n], [i for i, _ in lexical], by_ngrams[:n]],
                [1.0, weight, ngram_weight],
                k=self.rrf_k,
            )
        else:
            order = score_fusion(cosine, dict(lexical), weight, ngrams, ngram_weight)
        records = loaded.meta.get_many(order[:k])
        hits = [ScoredChunk(cosine.get(i, 0.0), records[i]) for i in order[:k] if i in records]
        best, second = (sorted(cosine.values(), reverse=True) + [0.0, 0.0])[:2]

        def lead(score: float) -> float:
            return max(0.0, score - second) if score >= best and len(cosine) > 1 else 0.0

        return hits, lead


def _published(reader: IndexReader) -> bool:
    """Whether the index has been published (one that fails to load is, and its error surfaces on search)."""
    try:
        reader.current()
    except NotFound:
        return False
    except FoodSaveError:
        return True
    return True
