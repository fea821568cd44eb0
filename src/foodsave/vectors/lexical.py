"""Lexical ranking beside the dense one: Okapi BM25 over the same chunks (folded, stemmed words), and weighted
reciprocal-rank fusion of several rankings. Finds product names, numbers and rare words that an embedding blurs;
English query words are also looked up in the English-Polish lexicon, so an English question finds Polish text."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from foodsave.text import fold
from foodsave.vectors.embed import STOPWORDS, tokens
from foodsave.vectors.lexicon import is_english, read_table, spelt_right, translate, translations

_WORD = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"[a-z0-9]+")
# A query word the index has never seen, with no translation, is read as the closest index word that starts
# with the same letter within one edit (adjacent letters swapped count as one), two from TYPO_TWO_EDITS_CHARS
# letters on; its stem must have at least TYPO_MIN_CHARS letters. It weighs TYPO_WEIGHT of a word as typed.
TYPO_MIN_CHARS = 4
TYPO_TWO_EDITS_CHARS = 8
TYPO_WEIGHT = 0.5


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English word -> stemmed Polish words (vectors/data/glossary_en_pl.tsv, read as `read_table` reads it)."""
    return {english: _stems(polish) for english, polish in read_table("glossary_en_pl.tsv").items()}


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Stemmed Polish word -> stems of the words documents tend to use for it (vectors/data/synonyms_pl.tsv)."""
    table: dict[str, tuple[str, ...]] = {}
    for word, related in read_table("synonyms_pl.tsv").items():
        for term in tokens(word):
            table[term] = tuple(dict.fromkeys(table.get(term, ()) + tuple(tokens(" ".join(related)))))
    return table


def query_terms(query: str) -> list[str]:
    """The query's own stemmed words plus the stems of the Polish words the lexicon gives for its English ones,
    or, for a Polish question, of the words documents tend to use for its own."""
    terms = tokens(query)
    words = _WORD.findall(fold(query))
    for word, polish in zip(words, translations(words), strict=True):
        if word not in STOPWORDS:
            terms.extend(_stems(polish))
    if not is_english(query):
        table = synonyms()
        terms.extend(related for term in tokens(query) for related in table.get(term, ()))
    return terms


def unknown_words(query: str, known: Callable[[str], bool] = lambda stem: False) -> list[str]:
    """The stems of the query's content words that neither `known` (the index's vocabulary) nor either
    language's dictionary knows: where a typo hides. The index is asked first: a word it holds costs no
    dictionary look-up."""
    out = []
    for word in _WORD.findall(fold(query)):
        own = tokens(word)
        if not own or len(own[0]) < TYPO_MIN_CHARS or known(own[0]):
            continue
        if not translate(word) and not spelt_right(own[0]):
            out.append(own[0])
    return list(dict.fromkeys(out))


@lru_cache(maxsize=8192)
def _stems(polish: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tokens(" ".join(polish)))


class Bm25:
    """Okapi BM25 (k1, b) over chunk texts keyed by chunk id; built in memory once per loaded index version."""

    def __init__(self, ids: Sequence[int], texts: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._ids = list(ids)
        self._row = {chunk: row for row, chunk in enumerate(self._ids)}
        self._lengths: list[int] = []
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row, text in enumerate(texts):
            counts = Counter(tokens(text))
            self._lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((row, tf))
        self._postings: Mapping[str, Sequence[tuple[int, int]]] = postings
        self._terms: dict[str, list[str]] | None = None
        self._corrected: tuple[str, dict[str, str]] = ("", {})
        n = len(self._ids)
        self._avg_length = (sum(self._lengths) / n) if n else 0.0
        self._idf = {
            term: math.log(1.0 + (n - len(rows) + 0.5) / (len(rows) + 0.5)) for term, rows in postings.items()
        }

    def table(self) -> tuple[list[int], list[int], Mapping[str, Sequence[tuple[int, int]]], dict[str, float]]:
        """What the ranking is made of: chunk id and length per row, postings (row, tf) and IDF per term."""
        return self._ids, self._lengths, self._postings, self._idf

    @classmethod
    def restore(
        cls,
        ids: Sequence[int],
        lengths: Sequence[int],
        postings: Mapping[str, Sequence[tuple[int, int]]],
        idf: dict[str, float],
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> Bm25:
        """The ranking `table()` described, without reading the texts again (foodsave.vectors.lexical_table)."""
        bm25 = cls.__new__(cls)
        bm25.k1, bm25.b = k1, b
        bm25._ids = list(ids)
        bm25._row = {chunk: row for row, chunk in enumerate(bm25._ids)}
        bm25._lengths = list(lengths)
        bm25._postings = postings
        n = len(bm25._ids)
        bm25._avg_length = (sum(bm25._lengths) / n) if n else 0.0
        bm25._idf = idf
        bm25._terms = None
        bm25._corrected = ("", {})
        return bm25

    def corrections(self, query: str) -> dict[str, str]:
        """Stem -> the index's stem it is taken for, for each of the query's untranslated words the index has
        never seen that lies within the allowed edits of an index word (the most frequent of the closest).
        rapidfuzz is imported only when such a word remains. The last query's answer is kept: ranking and
        coverage both ask for it."""
        last, corrected = self._corrected
        if query == last:
            return corrected
        corrected = self._corrections(query)
        self._corrected = (query, corrected)  # one assignment: a concurrent reader sees either pair whole
        return corrected

    def _corrections(self, query: str) -> dict[str, str]:
        unknown = unknown_words(query, self._idf.__contains__)
        if not unknown:
            return {}
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        out: dict[str, str] = {}
        for stem in unknown:
            edits = 2 if len(stem) >= TYPO_TWO_EDITS_CHARS else 1
            vocabulary = self._vocabulary().get(stem[0], [])
            found = process.extractOne(stem, vocabulary, scorer=OSA.distance, score_cutoff=edits)
            if found is not None:
                out[stem] = found[0]
        return out

    def _vocabulary(self) -> dict[str, list[str]]:
        """The index's stems by first letter, most frequent first (ties between equally close words go to the
        commoner)."""
        if self._terms is None:
            terms: dict[str, list[str]] = defaultdict(list)
            for term in sorted(self._idf, key=lambda term: (self._idf[term], term)):
                terms[term[0]].append(term)
            self._terms = dict(terms)
        return self._terms

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """Up to `n` (chunk id, score) pairs with a positive score, best first. A Polish question's stems (its
        own words' and their synonyms') add up; each word of an English question scores in a chunk as the best
        of the stems that stand for it (its own and its translations'), so a word with many senses counts once.
        A misspelt word counts, at TYPO_WEIGHT, as the index word it is taken for."""
        corrected = self.corrections(query)
        if is_english(query):
            groups = []
            for own, alternatives in _query_words(query):
                weights = dict.fromkeys(alternatives, 1.0)
                if own in corrected:
                    weights.setdefault(corrected[own], TYPO_WEIGHT)
                groups.append(weights)
        else:
            weights = dict.fromkeys(corrected.values(), TYPO_WEIGHT)
            weights.update(dict.fromkeys(query_terms(query), 1.0))
            groups = [{term: weight} for term, weight in weights.items()]
        scores: dict[int, float] = defaultdict(float)
        for group in groups:
            for row, value in self._best(group).items():
                scores[row] += value
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:n]
        return [(self._ids[row], score) for row, score in ranked]

    def _best(self, weights: dict[str, float]) -> dict[int, float]:
        """Per row, the best weighted BM25 term score of the terms of `weights` it contains."""
        best: dict[int, float] = {}
        for term, weight in weights.items():
            idf = self._idf.get(term)
            if idf is None:
                continue
            for row, tf in self._postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self._lengths[row] / (self._avg_length or 1.0))
                best[row] = max(best.get(row, 0.0), weight * idf * tf * (self.k1 + 1) / (tf + norm))
        return best

    def coverage(self, query: str, ids: Sequence[int]) -> dict[int, float]:
        """Per chunk of `ids`, the IDF-weighted share of the query's content words that the chunk contains, each
        word itself or through one of its translations. A word weighs as its own stem's IDF, else as its best
        known translation's (an English word: its senses count once, not once each), else as the rarest word,
        since a word the index has never seen is evidence that the question is about something else."""
        wanted = {self._row[i]: i for i in ids if i in self._row}
        rarest = math.log(1.0 + (len(self._ids) + 0.5) / 0.5)
        matched: dict[int, float] = defaultdict(float)
        total = 0.0
        corrected = self.corrections(query)
        for own, words in _query_words(query):
            alternatives = (*words, corrected[own]) if own in corrected else words
            known = [self._idf[term] for term in alternatives if term in self._idf]
            weight = self._idf.get(own) or max(known, default=rarest)
            total += weight
            rows = {row for term in alternatives for row, _ in self._postings.get(term, ()) if row in wanted}
            for row in rows:
                matched[row] += weight
        return {chunk: min(matched.get(row, 0.0) / (total or 1.0), 1.0) for row, chunk in wanted.items()}


def _query_words(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each distinct content word of the query as (its stem, the stems that stand for it: its own and those of
    its Polish translations or, in a Polish question, of its synonyms)."""
    related = {} if is_english(query) else synonyms()
    words: dict[str, tuple[str, ...]] = {}
    found = _TOKEN.findall(fold(query))
    for word, polish in zip(found, translations(found), strict=True):
        own = tokens(word)
        if own and own[0] not in words:
            alternatives = (own[0], *_stems(polish), *related.get(own[0], ()))
            words[own[0]] = tuple(dict.fromkeys(alternatives))
    return list(words.items())


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float], *, k: int = 60
) -> list[int]:
    """Ids ordered by sum(weight / (k + rank)) over the rankings they appear in (rank from 1); ties keep the
    order of the first ranking."""
    fused: dict[int, float] = defaultdict(float)
    first_seen: dict[int, int] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] += weight / (k + rank)
            first_seen.setdefault(item, len(first_seen))
    return sorted(fused, key=lambda item: (-fused[item], first_seen[item]))


def score_fusion(
    dense: dict[int, float],
    lexical: dict[int, float],
    lexical_weight: float,
    ngrams: dict[int, float] | None = None,
    ngram_weight: float = 0.0,
) -> list[int]:
    """Ids ordered by dense' + lexical_weight * lexical' + ngram_weight * ngrams', each score scaled over the
    candidates (similarities min-max to [0, 1], BM25 by its maximum); an id missing from a side scores 0 there.
    Ties keep id order."""
    fused = dict.fromkeys([*dense, *lexical, *(ngrams or {})], 0.0)
    for scores, weight in ((_min_max(dense), 1.0), (_min_max(ngrams or {}), ngram_weight)):
        for item, value in scores.items():
            fused[item] += weight * value
    top = max(lexical.values(), default=0.0) or 1.0
    for item, value in lexical.items():
        fused[item] += lexical_weight * value / top
    return sorted(fused, key=lambda item: (-fused[item], item))


def _min_max(scores: dict[int, float]) -> dict[int, float]:
    low, high = (min(scores.values()), max(scores.values())) if scores else (0.0, 0.0)
    span = (high - low) or 1.0
    return {item: (value - low) / span for item, value in scores.items()}
