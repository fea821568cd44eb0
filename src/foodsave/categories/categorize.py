"""Categorise abbreviated, glued Polish receipt product names (`SerekWiejski200g`) into pantry categories.

Matching works on cleaned words: a hand-written lexicon of stems and phrases (data/lexicon_pl.tsv), fuzzy
prefix matching for OCR typos, stems hidden inside glued words, and a character n-gram fallback.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from foodsave.text import fold, normalize_name, split_glued
from foodsave.text.names import NOISE_WORDS, strip_sizes

CATEGORIES: tuple[str, ...] = (
    "dairy",
    "bakery",
    "meat",
    "fish",
    "fruit",
    "vegetables",
    "frozen",
    "dry_goods",
    "canned",
    "snacks",
    "beverages",
    "alcohol",
    "condiments",
    "ready_meals",
    "household",
    "cosmetics",
    "other",
)
NON_FOOD: frozenset[str] = frozenset({"household", "cosmetics", "other"})
FOOD_OVERRIDABLE = frozenset(CATEGORIES) - NON_FOOD - {"beverages", "alcohol", "frozen", "canned"}

LEXICON_PATH = Path(__file__).with_name("data") / "lexicon_pl.tsv"


@dataclass(frozen=True)
class LexiconEntry:
    words: tuple[str, ...]
    category: str
    weak: bool
    prefix: bool


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> tuple[LexiconEntry, ...]:
    entries: list[LexiconEntry] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        stem, category = fold(parts[0].strip()), parts[1].strip()
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r} in lexicon line {raw!r}")
        flags = set(parts[2].split(",")) if len(parts) > 2 else set()
        words = tuple(stem.split())
        prefix = "exact" not in flags and ("prefix" in flags or len(words) > 1 or len(stem) > 3)
        entries.append(LexiconEntry(words, category, "weak" in flags, prefix))
    return tuple(entries)


class Categorizer:
    """Maps a receipt product name to (category, confidence in 0..1)."""

    def __init__(self, lexicon: tuple[LexiconEntry, ...] | None = None) -> None:
        self.entries = lexicon if lexicon is not None else load_lexicon()
        self.single: dict[str, LexiconEntry] = {}
        self.phrases: list[LexiconEntry] = []
        for e in self.entries:
            if len(e.words) == 1:
                self.single[e.words[0]] = e
            else:
                self.phrases.append(e)
        self.phrases.sort(key=lambda e: -sum(len(w) for w in e.words))
        self._by_len: dict[int, list[str]] = defaultdict(list)
        for stem, e in self.single.items():
            if e.prefix and len(stem) >= 4:
                self._by_len[len(stem)].append(stem)
        self._long_stems = sorted((s for s in self.single if len(s) >= 5), key=len, reverse=True)
        self._ngram_index = self._build_ngrams()
        self._cache: dict[str, tuple[str, float]] = {}

    @staticmethod
    def normalize_name(name_raw: str) -> str:
        return normalize_name(name_raw)

    @staticmethod
    def is_food(category: str) -> bool:
        return is_food(category)

    # ------------------------------------------------------------------
    def categorize(self, name: str) -> tuple[str, float]:
        """(category, confidence). Unknown names give ("other", low confidence)."""
        key = name.strip()
        if key not in self._cache:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = self._categorize(key)
        return self._cache[key]

    def _words(self, name: str) -> list[str]:
        s = fold(strip_sizes(split_glued(name)))
        s = re.sub(r"[^a-z0-9 ]+", " ", s)
        words = [w for w in s.split() if not w.isdigit()]
        return [w for w in words if w not in NOISE_WORDS]

    def _categorize(self, name: str) -> tuple[str, float]:
        words = self._words(name)
        if not words:
            return ("other", 0.0)
        scores: dict[str, float] = defaultdict(float)
        used: set[int] = set()
        quality = 1.0
        # Phrases first: `pasta do zębów`, `papier toaletowy`, `ptasie mleczko`.
        for e in self.phrases:
            n = len(e.words)
            for i in range(len(words) - n + 1):
                if all(words[i + k].startswith(e.words[k]) for k in range(n)):
                    scores[e.category] += 2.5 * _position_weight(i) * (0.5 if e.weak else 1.0)
                    used.update(range(i, i + n))
                    break
        for i, word in enumerate(words):
            if i in used:
                continue
            hit = self._match_word(word)
            if hit is None:
                continue
            entry, q = hit
            weight = _position_weight(i) * (0.45 if entry.weak else 1.0) * q
            scores[entry.category] += weight
            quality = min(quality, max(q, 0.6))
        if not scores:
            cat, sim = self._ngram_guess(" ".join(words))
            if cat is None:
                return ("other", 0.1)
            return (cat, round(min(0.5, sim), 2))
        folded = " ".join(words)
        best = max(scores.items(), key=lambda kv: kv[1])[0]
        # Form modifiers: frozen and canned goods keep apart from fresh ones.
        if re.search(r"\bmro[zź]|\bfrozen|\bmrozon", folded) and best in FOOD_OVERRIDABLE | {"canned"}:
            best = "frozen"
        elif re.search(r"\bkonserw|\bw puszce|\bpuszk", folded) and best in FOOD_OVERRIDABLE:
            best = "canned"
        total = sum(scores.values())
        share = scores.get(best, max(scores.values())) / total if total else 0.0
        confidence = round(min(0.99, (0.55 + 0.45 * share) * quality), 2)
        return (best, confidence)

    def _match_word(self, word: str) -> tuple[LexiconEntry, float] | None:
        # Longest stem that the word starts with.
        for end in range(len(word), 0, -1):
            entry = self.single.get(word[:end])
            if entry is None:
                continue
            if end == len(word) or entry.prefix:
                return (entry, 1.0)
        if len(word) < 4:
            return None
        from rapidfuzz import fuzz, process

        # OCR or abbreviation typos in the stem part of the word.
        best: tuple[str, float] | None = None
        for length, stems in self._by_len.items():
            if length > len(word) + 1:
                continue
            found = process.extractOne(word[:length], stems, scorer=fuzz.ratio, score_cutoff=84)
            if found and (best is None or (found[1], len(found[0])) > (best[1], len(best[0]))):
                best = (found[0], found[1])
        if best is not None:
            return (self.single[best[0]], 0.8)
        # A stem hidden inside a glued word (`serekwiejski`, `mlekołaciate`).
        if len(word) >= 7:
            for stem in self._long_stems:
                if stem in word[1:]:
                    return (self.single[stem], 0.7)
        return None

    def _build_ngrams(self) -> dict[str, dict[str, float]]:
        index: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for e in self.entries:
            text = " ".join(e.words)
            for g in _ngrams(text):
                index[g][e.category] += 1.0 / (1 + len(text))
        return index

    def _ngram_guess(self, text: str) -> tuple[str | None, float]:
        grams = _ngrams(text)
        if not grams:
            return (None, 0.0)
        scores: dict[str, float] = defaultdict(float)
        for g in grams:
            for cat, w in self._ngram_index.get(g, {}).items():
                scores[cat] += w
        if not scores:
            return (None, 0.0)
        best = max(scores.items(), key=lambda kv: kv[1])
        share = best[1] / sum(scores.values())
        if share < 0.35:
            return (None, 0.0)
        return (best[0], share)


def _position_weight(i: int) -> float:
    return (1.6, 1.0, 0.75)[min(i, 2)]


def _ngrams(text: str, n: int = 4) -> set[str]:
    grams: set[str] = set()
    for word in text.split():
        padded = f" {word} "
        grams.update(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


def is_food(category: str) -> bool:
    """True for categories that belong in the pantry (not household, cosmetics or other)."""
    return category in CATEGORIES and category not in NON_FOOD


@lru_cache(maxsize=1)
def default_categorizer() -> Categorizer:
    return Categorizer()
