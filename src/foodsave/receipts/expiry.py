"""Estimate when a bought product expires: shelf life by category, adjusted by hints in its name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from foodsave.text import fold, split_glued

# Typical shelf life (days) in a home fridge or cupboard, for a product bought fresh.
DAYS_BY_CATEGORY: dict[str, int] = {
    "dairy": 7,
    "bakery": 3,
    "meat": 3,
    "fish": 2,
    "fruit": 7,
    "vegetables": 7,
    "frozen": 180,
    "dry_goods": 365,
    "canned": 730,
    "snacks": 120,
    "beverages": 180,
    "alcohol": 730,
    "condiments": 180,
    "ready_meals": 4,
    "household": 1095,
    "cosmetics": 730,
    "other": 30,
}

# (pattern on the folded name, days) — first match wins; they describe the product's form, not its category.
HINTS: tuple[tuple[str, int], ...] = (
    (r"\bmro[zź]|\bfrozen\b|\bmrozon|\blody\b", 180),
    (r"\bkonserw(?!ow[aey]\s*szynk)|\bw puszce\b|\bpuszk|\bsloik|\bpasteryz", 730),
    (r"\buht\b", 90),
    (r"\bsuszon|\bsuche\b|\bliofiliz", 365),
    (r"\bwedzon", 14),
    (r"\bmarynow|\bw oleju\b|\bw occie\b|\bkiszon", 30),
    (r"\bswiez|\bfresh\b|\bchlodz", 3),
    (r"\bmielon", 2),
    (r"\bsalat|\brukol|\broszpon|\bszpinak|\bkielki", 4),
    (r"\bbanan|\bmalin|\btruskaw|\bborowk|\bjagod", 4),
    (r"\bjablk|\bziemniak|\bcebul|\bmarchew|\bmarchw|\bburak|\bkapust", 21),
    (r"\bcytryn|\bpomarancz|\bmandaryn|\bgrejpfrut|\blimonk", 14),
    (r"\bjaja\b|\bjajk", 21),
    (r"\bmaslo\b|\bmasl\b|\bmasla\b", 30),
    (r"\bser\b.*\b(gouda|edam|zolty|plastr)|\bgouda|\bedam|\bparmez|\bcheddar|\bgrana\b", 30),
    (r"\bjogurt|\bkefir|\bmaslank|\bserek|\btwarog|\bsmietan", 10),
    (r"\btost|\bpieczywo paczkowane", 7),
    (r"\bszynka|\bkielbas|\bparowk|\bkabanos|\bsalami|\bboczek", 7),
)


@dataclass(frozen=True)
class ExpiryEstimate:
    days: int
    expires_at: date
    reason: str


class ExpiryEstimator:
    """Days of shelf life from category and name hints (UHT, mrożone, konserwa, świeże, wędzone...)."""

    def __init__(self, days_by_category: dict[str, int] | None = None) -> None:
        self.days_by_category = days_by_category or DAYS_BY_CATEGORY

    def days(self, category: str, name: str = "") -> tuple[int, str]:
        folded = fold(split_glued(name))
        base = self.days_by_category.get(category, self.days_by_category["other"])
        if category in ("household", "cosmetics", "other", "alcohol"):
            return base, f"category {category}"
        for pattern, days in HINTS:
            if re.search(pattern, folded):
                # Processing hints always apply; freshness hints never extend a frozen/canned/dry product.
                if (
                    category in ("frozen", "canned", "dry_goods", "snacks", "beverages", "condiments")
                    and days < base
                ):
                    continue
                return days, f"hint /{pattern}/"
        return base, f"category {category}"

    def estimate(self, category: str, name: str, purchased: date) -> ExpiryEstimate:
        days, reason = self.days(category, name)
        try:
            expires = purchased + timedelta(days=days)
        except OverflowError:  # the end of the calendar: nothing lasts past it
            expires = date.max
        return ExpiryEstimate(days, expires, reason)
