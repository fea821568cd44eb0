"""Letter folding: lower case without Polish diacritics or other combining marks (`ŻÓŁTY` -> `zolty`)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

# Letters that do not decompose under NFKD are mapped by hand; the rest loses its combining marks.
_FOLD = str.maketrans({"ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ı": "i"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


class _CombiningMarks(dict[int, int | None]):
    """A `str.translate` table that deletes combining marks and keeps every other code point, each looked up
    once (a search index folds every word of its corpus on a cold start)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _CombiningMarks()


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed if decomposed.isascii() else decomposed.translate(_MARKS)


def fold(text: str) -> str:
    """Lower-case, ą→a, ł→l, ż→z, … and no other combining marks: `Zjadłem ŻÓŁTY ser` -> `zjadlem zolty ser`.

    Letters of other scripts are kept (lower-cased), so a name never folds to nothing; folding twice changes
    nothing more."""
    if text.isascii():
        return text.lower()
    folded = _strip_marks(_strip_marks(text).lower().translate(_FOLD))
    # Lower-casing a decomposed letter can produce another cased or marked one (a rare few); settle them.
    while (again := _strip_marks(folded.lower().translate(_FOLD))) != folded:
        folded = again
    return folded


def words(text: str) -> list[str]:
    """Folded word tokens (apostrophes kept inside words: `what's`)."""
    return [w.replace("’", "'") for w in _WORD.findall(fold(text))]


_LOWER_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def spellings(texts: Iterable[str]) -> dict[str, str]:
    """Folded word -> its most frequent lower-case spelling in `texts`, for words whose spelling has letters
    that folding changes (`zamrozic` -> `zamrozić`); ties go to the spelling seen first."""
    counts: Counter[str] = Counter(
        w for text in texts for w in _LOWER_WORD.findall(text.lower()) if not w.isascii()
    )
    table: dict[str, str] = {}
    for word, _ in counts.most_common():
        table.setdefault(fold(word), word)
    return table


def restore_letters(text: str, table: Mapping[str, str]) -> str:
    """`text` lower-cased with each word written without Polish letters spelt as in `table`
    (`czy mozna zamrozic` -> `czy można zamrozić`); words the table does not know stay as they are."""
    return _LOWER_WORD.sub(lambda m: table.get(m.group(0), m.group(0)), text.lower())
