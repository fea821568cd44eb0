"""What to say about food past its date: whether its date is a "use by" (safety: do not eat) or a "best before"
(quality: check it first), with the knowledge corpus' own sentence quoted and the article cited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from foodsave.text import count, fold

DateKind = Literal["use_by", "best_before"]
ARTICLE = "data-minimalnej-trwalosci-a-termin-przydatnosci"
# Products the article lists under each date (folded name stems); the first match wins.
BEST_BEFORE_NAMES = re.compile(
    r"\b(uht|makaron|ryz|mak[aie]|kasz|konserw|platk|ciast|czekolad|przypraw|mrozon|jaj|egg|pasta|rice|flour"
    r"|cereal|chocolate|cookie|biscuit|frozen|canned|ser zolty|gouda|edam|parmez|maslo|butter|chleb|bread)"
)
USE_BY_NAMES = re.compile(
    r"\b(mies|mieso|drob|kurczak|indyk|mielon|ryb|losos|dorsz|wedlin|szynk|kielbas|parow|mlek|jogurt|kefir"
    r"|smietan|twarog|serek|salatk|chicken|meat|mince|fish|salmon|ham|sausage|milk|yog|cream|salad)"
)
USE_BY_CATEGORIES = frozenset({"meat", "fish", "dairy", "ready_meals"})
# Anchors of the sentences quoted from the article, per date kind.
ANCHORS: dict[DateKind, tuple[str, ...]] = {
    "use_by": ("nie nalezy jesc",),
    "best_before": ("zwykle nadal nadaje sie", "zanim go zjesz"),
}


def date_kind(name: str, category: str | None) -> DateKind:
    """`use_by` for what spoils microbiologically (fresh meat, fish, milk, yoghurt...), else `best_before`."""
    folded = fold(name)
    if BEST_BEFORE_NAMES.search(folded):
        return "best_before"
    if USE_BY_NAMES.search(folded) or category in USE_BY_CATEGORIES:
        return "use_by"
    return "best_before"


@dataclass(frozen=True)
class Quote:
    text: str
    source: dict[str, Any]


@lru_cache(maxsize=1)
def _article() -> tuple[str, str, tuple[str, ...]]:
    from foodsave.vectors.corpus import corpora_dir, markdown_document

    doc = markdown_document(corpora_dir() / "knowledge" / f"{ARTICLE}.md", "knowledge")
    sentences = tuple(s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", doc.text) if s.strip())
    return doc.document_id, doc.title, sentences


def quote(kind: DateKind) -> Quote | None:
    """The article's sentences about food past this kind of date; None when the corpus is not bundled."""
    try:
        document_id, title, sentences = _article()
    except OSError:
        return None
    picked = [s for s in sentences if any(a in fold(s) for a in ANCHORS[kind])]
    if not picked:
        return None
    return Quote(" ".join(picked), {"type": "knowledge", "id": document_id, "title": title})


def ago(days: int, lang: str) -> str:
    """`wczoraj`, `3 dni temu`, `yesterday`, `3 days ago` for a date `days` (> 0) in the past."""
    if lang == "pl":
        return "wczoraj" if days == 1 else f"{count(days, 'day', 'pl')} temu"
    return "yesterday" if days == 1 else f"{count(days, 'day', 'en')} ago"


def ahead(days: int, lang: str) -> str:
    """`dziś`, `jutro`, `za 3 dni`, `today`, `tomorrow`, `in 3 days` for a date `days` (>= 0) ahead."""
    if lang == "pl":
        return {0: "dziś", 1: "jutro"}.get(days, f"za {count(days, 'day', 'pl')}")
    return {0: "today", 1: "tomorrow"}.get(days, f"in {count(days, 'day', 'en')}")


def relative(expires_at: date, today: date, lang: str) -> str:
    left = (expires_at - today).days
    return ahead(left, lang) if left >= 0 else ago(-left, lang)


def verdict(kind: DateKind, lang: str) -> str:
    """One line of advice for food past its date; never "eat it"."""
    if kind == "use_by":
        return (
            "To termin „należy spożyć do” — po nim nie jedz, wyrzuć."
            if lang == "pl"
            else "That is a “use by” date — past it, do not eat it; throw it away."
        )
    return (
        "To data „najlepiej spożyć przed” — nie jedz bez sprawdzenia: obejrzyj, powąchaj, a w razie wątpliwości wyrzuć."
        if lang == "pl"
        else "That is a “best before” date — do not eat it without checking it first: look, smell, and if in "
        "doubt, throw it away."
    )
