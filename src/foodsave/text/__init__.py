"""Text of the food domain in one place: folding Polish letters, word stems, product-name normalisation and
plural forms, shared by receipts, pantry, recipes, agents and vectors."""

from foodsave.text.letters import fold, words
from foodsave.text.names import normalize_name, split_glued
from foodsave.text.plural import Lang, count, format_number, noun, plural
from foodsave.text.stems import LEMMAS, stem

__all__ = [
    "LEMMAS",
    "Lang",
    "count",
    "fold",
    "format_number",
    "normalize_name",
    "noun",
    "plural",
    "split_glued",
    "stem",
    "words",
]
