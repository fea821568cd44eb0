"""Product-name matching tolerant of Polish inflection: "mleka" is "mleko", "pomidory" is "pomidor",
"jogurt naturalny" is a "jogurt"; receipts' missing diacritics and small typos are forgiven."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from foodsave.text import stem
from foodsave.text.products import DISTINCT, key_tokens

T = TypeVar("T")

MATCH_THRESHOLD = 65.0

PLAIN = frozenset(stem(w) for w in ("naturalny", "naturalne", "naturalna", "plain", "natural"))


@lru_cache(maxsize=65536)
def _same_token(a: str, b: str) -> bool:
    """Equal stems, or long stems one typo or one diminutive ending apart ("marchew"/"marchewk")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[0] != b[0] or abs(len(a) - len(b)) > 2:
        return False
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= 88.0


@lru_cache(maxsize=65536)
def match_score(wanted: str, have: str) -> float:
    """How well a pantry item named `have` satisfies a need named `wanted` (an ingredient or a user's words), 0..100.

    The head noun of `wanted` must appear in `have` (first word: full credit; later, after a brand: less);
    product-changing qualifiers (kokosowe, ziemniaczana, ...) must agree; other qualifiers add credit."""
    want = key_tokens(wanted)
    got = key_tokens(have)
    if not want or not got:
        return 0.0
    head = want[0]
    if _same_token(head, got[0]):
        base, head_at = 100.0, 0
    else:
        # A later word may be the product after a brand ("Łaciate mleko"), not an adjective made from the
        # wanted noun ("dżem truskawkowy" is not a strawberry).
        later = next(
            (
                i
                for i, t in enumerate(got[1:], start=1)
                if _same_token(head, t) and not (t.endswith("ow") and not head.endswith("ow"))
            ),
            None,
        )
        if later is None:
            return 0.0
        base, head_at = 85.0, later
    want_mods = want[1:]
    got_mods = got[:head_at] + got[head_at + 1 :]
    want_distinct = {m for m in want_mods if m in DISTINCT}
    got_distinct = {m for m in got_mods if m in DISTINCT}
    if want_distinct != got_distinct:
        return 0.0
    # Two different "-owy" kinds (sok malinowy / sok pomarańczowy, olej rzepakowy / słonecznikowy) differ too.
    want_kind = {m for m in want_mods if m.endswith("ow")}
    got_kind = {m for m in got_mods if m.endswith("ow")}
    if want_kind and got_kind and not want_kind & got_kind:
        return 0.0
    # A flavoured product does not stand in for a plain one ("jogurt naturalny" vs "jogurt truskawkowy").
    if got_kind and not want_kind and PLAIN & set(want_mods):
        return 0.0
    if not want_mods:
        return base
    found = sum(1 for m in want_mods if any(_same_token(m, g) for g in got_mods))
    return base * (0.8 + 0.2 * found / len(want_mods))


def matches(wanted: str, have: str, threshold: float = MATCH_THRESHOLD) -> bool:
    return match_score(wanted, have) >= threshold


def rank_by_name(wanted: str, candidates: Iterable[T], name_of: Callable[[T], str]) -> list[tuple[float, T]]:
    """Candidates whose name matches `wanted`, best first (stable among equal scores)."""
    scored = [(match_score(wanted, name_of(c)), c) for c in candidates]
    return sorted((s for s in scored if s[0] >= MATCH_THRESHOLD), key=lambda s: -s[0])
