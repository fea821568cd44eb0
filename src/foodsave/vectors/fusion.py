"""How a search fuses its rankings: the dense candidates of the question's vectors with the BM25 candidates
(and, for Polish questions, hashed character n-grams), by score sum or reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from foodsave.vectors.lexical import reciprocal_rank_fusion, score_fusion

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from foodsave.vectors.load import LoadedIndex

RRF_K = 60


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
class Ranking:
    """One index's fused ranking for a question: chunk ids best first, and their cosines."""

    loaded: LoadedIndex
    order: list[int]
    cosine: dict[int, float]


def fuse(
    loaded: LoadedIndex,
    query: str,
    vectors: list[NDArray[np.float32]],
    pool: int,
    fusion: Fusion,
    *,
    english: bool,
    ngrams: bool,
    rrf_k: int = RRF_K,
) -> Ranking:
    """The top `pool` dense candidates of each vector and the top `pool` BM25 candidates, ordered as `fusion`
    says; each keeps its (mean) cosine similarity over the vectors. `ngrams`: whether n-grams may count."""
    n = pool
    weight = fusion.weight(english)
    lexical = loaded.lexical().search(query, n) if weight > 0 else []
    dense_ids = [hit.chunk.id for vector in vectors for hit in loaded.search(vector, n)]
    candidates = list(dict.fromkeys([*dense_ids, *(i for i, _ in lexical)]))
    per_vector = [loaded.similarity(vector, candidates) for vector in vectors]
    cosine = {i: sum(s.get(i, 0.0) for s in per_vector) / len(per_vector) for i in per_vector[0]}
    by_cosine = sorted(cosine, key=lambda i: (-cosine[i], i))
    ngram_weight = fusion.ngram_weight if ngrams else 0.0
    similar = loaded.ngram_similarity(query, candidates) if ngram_weight > 0 else {}
    if weight <= 0 and ngram_weight <= 0:
        order = by_cosine
    elif fusion.method == "rrf":
        by_ngrams = sorted(similar, key=lambda i: (-similar[i], i))
        order = reciprocal_rank_fusion(
            [by_cosine[:n], [i for i, _ in lexical], by_ngrams[:n]], [1.0, weight, ngram_weight], k=rrf_k
        )
    else:
        order = score_fusion(cosine, dict(lexical), weight, similar, ngram_weight)
    return Ranking(loaded, order, cosine)
