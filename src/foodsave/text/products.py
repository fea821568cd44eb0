"""What identifies a product in a name: stemmed tokens without packaging, sizes and marketing words, so
"jajka 10 szt" and "jajko" are one product while "mleko" and "mleko kokosowe" stay two."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from foodsave.text.letters import fold
from foodsave.text.stems import stem

# Words that say nothing about what the product is (packaging, sizes, marketing, prepositions).
_NOISE = frozenset(
    "z ze w we i oraz na do od dla po luz op opak opakowanie szt sztuk kg dag g l ml x bio eko extra premium "
    "swiezy swieza swieze swiezych mix pack duzy duza duze maly mala male puszka puszce puszki sloik sloiku "
    "a an the of and with in fresh".split()
)
# Qualifiers that turn one product into another ("mleko" vs "mleko kokosowe", "mąka" vs "mąka ziemniaczana");
# both names must agree on them.
DISTINCT_WORDS = (
    "kokosowe sojowe owsiane migdałowe ryżowe roślinne orzechowe ziemniaczana kukurydziana gryczana żytnia "
    "jaglana jęczmienna manna grecki puder wanilinowy trzcinowy kiszony mielona suszone tarta skondensowane "
    "feta topiony pleśniowy kozi"
)
DISTINCT = frozenset(stem(w) for w in DISTINCT_WORDS.split())


@lru_cache(maxsize=8192)
def key_tokens(name: str) -> tuple[str, ...]:
    """Stemmed tokens that identify the product, in their original order (head noun usually first)."""
    text = unicodedata.normalize("NFC", name).lower()
    text = re.sub(r"\d+([.,]\d+)?\s*(%|g|kg|dag|ml|l|szt|x)?", " ", text)
    words = re.findall(r"[^\W\d_]+", text)
    tokens = [stem(w) for w in words if len(w) > 1 and fold(w) not in _NOISE]
    return tuple(t for t in tokens if t)


def name_key(name: str) -> str:
    """One string per product, used to group "jajko" and "jajka" together."""
    return " ".join(key_tokens(name))
