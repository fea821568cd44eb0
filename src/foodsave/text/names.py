"""Product-name normalisation: a readable lower-case base name without sizes, packaging or glue
(`SerekWiejski200g` -> `serek wiejski`), keeping the words that carry meaning (`Pączek z różą`)."""

from __future__ import annotations

import re
import unicodedata

_SIZE_RE = re.compile(
    r"(?<![^\W\d_])\d+(?:[.,]\d+)?\s*(?:kg|dag|g|gr|ml|l|cl|szt|sz|%|x|p|pak|op|tabl|m)?(?![^\W\d_])",
    re.IGNORECASE,
)
_MULTI_RE = re.compile(r"\b\d+\s*[x*]\s*\d+(?:[.,]\d+)?\s*(?:g|ml|l|kg|szt)?\b", re.IGNORECASE)
NOISE_WORDS = frozenset(
    {"luz", "szt", "op", "opak", "kg", "g", "ml", "l", "x", "pak", "waga", "sztuka", "wag"}
)
# One-letter Polish words that change a name's meaning ("pączek z różą", "ser w plastrach"), kept between words.
_SHORT_WORDS = frozenset({"z", "w", "i", "o", "u"})


def split_glued(name: str) -> str:
    """`MasłoOsełMIDol300g` -> `Masło Oseł MI Dol 300g`; `PłatkiKukur.Vit` -> `Płatki Kukur. Vit`."""
    s = re.sub(r"(?<=[a-ząćęłńóśźż])(?=[A-ZĄĆĘŁŃÓŚŹŻ])", " ", name)
    s = re.sub(r"(?<=[A-ZĄĆĘŁŃÓŚŹŻ])(?=[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{2})", " ", s)
    s = re.sub(r"(?<=[^\W\d_])(?=\d)", " ", s)
    s = re.sub(r"(?<=\d)(?=[^\W\d_]{3})", " ", s)
    s = re.sub(r"(?<=[.,/+])(?=[^\W\d_])", " ", s)
    return s


def strip_sizes(name: str) -> str:
    """The name without pack sizes and counts: `Mleko 3,2% 1L` -> `Mleko  `, `6x0,5l` -> ``."""
    return _SIZE_RE.sub(" ", _MULTI_RE.sub(" ", name))


def normalize_name(name_raw: str) -> str:
    """A readable lower-case base name: `SerekWiejski200g` -> `serek wiejski`, `Pączek z różą` -> `pączek z różą`."""
    s = strip_sizes(split_glued(unicodedata.normalize("NFC", name_raw)))
    s = re.sub(r"[^\w\s-]", " ", s)
    s = re.sub(r"[\d_]+", " ", s)
    words = [w.strip("-") for w in s.lower().split() if w.strip("-")]
    kept = [w for w in words if (len(w) > 1 or w in _SHORT_WORDS) and w not in NOISE_WORDS]
    while kept and kept[-1] in _SHORT_WORDS:
        kept.pop()
    while kept and kept[0] in _SHORT_WORDS:
        kept.pop(0)
    return " ".join(kept) if kept else " ".join(words)
