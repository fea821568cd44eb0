"""Plural forms: Polish one/few/many (1 produkt, 2–4 produkty, 5–21 produktów, 22–24 produkty, 12–14 produktów)
and English one/other, with the nouns the replies use, so that no reply says "22 produktów" or "1 days"."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

Lang = Literal["pl", "en"]
Number = int | float | Decimal

# Polish: (one, few, many, fraction); English: (one, other). The fraction form is the genitive singular.
NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {"pl": ("produkt", "produkty", "produktów", "produktu"), "en": ("product", "products")},
    "item": {"pl": ("pozycja", "pozycje", "pozycji", "pozycji"), "en": ("item", "items")},
    "day": {"pl": ("dzień", "dni", "dni", "dnia"), "en": ("day", "days")},
    "week": {"pl": ("tydzień", "tygodnie", "tygodni", "tygodnia"), "en": ("week", "weeks")},
    "month": {"pl": ("miesiąc", "miesiące", "miesięcy", "miesiąca"), "en": ("month", "months")},
    "hour": {"pl": ("godzina", "godziny", "godzin", "godziny"), "en": ("hour", "hours")},
    "recipe": {"pl": ("przepis", "przepisy", "przepisów", "przepisu"), "en": ("recipe", "recipes")},
    "receipt": {"pl": ("paragon", "paragony", "paragonów", "paragonu"), "en": ("receipt", "receipts")},
    "meal": {"pl": ("posiłek", "posiłki", "posiłków", "posiłku"), "en": ("meal", "meals")},
    "portion": {"pl": ("porcja", "porcje", "porcji", "porcji"), "en": ("portion", "portions")},
    "ingredient": {
        "pl": ("składnik", "składniki", "składników", "składnika"),
        "en": ("ingredient", "ingredients"),
    },
    "document": {"pl": ("dokument", "dokumenty", "dokumentów", "dokumentu"), "en": ("document", "documents")},
    "piece": {"pl": ("sztuka", "sztuki", "sztuk", "sztuki"), "en": ("piece", "pieces")},
    "tablespoon": {"pl": ("łyżka", "łyżki", "łyżek", "łyżki"), "en": ("tablespoon", "tablespoons")},
    "teaspoon": {"pl": ("łyżeczka", "łyżeczki", "łyżeczek", "łyżeczki"), "en": ("teaspoon", "teaspoons")},
    "glass": {"pl": ("szklanka", "szklanki", "szklanek", "szklanki"), "en": ("glass", "glasses")},
    "clove": {"pl": ("ząbek", "ząbki", "ząbków", "ząbka"), "en": ("clove", "cloves")},
    "pinch": {"pl": ("szczypta", "szczypty", "szczypt", "szczypty"), "en": ("pinch", "pinches")},
    "pack": {"pl": ("opakowanie", "opakowania", "opakowań", "opakowania"), "en": ("pack", "packs")},
    "bunch": {"pl": ("pęczek", "pęczki", "pęczków", "pęczka"), "en": ("bunch", "bunches")},
    "minute": {"pl": ("minuta", "minuty", "minut", "minuty"), "en": ("minute", "minutes")},
    "person": {"pl": ("osoba", "osoby", "osób", "osoby"), "en": ("person", "people")},
}


def _is_whole(n: Number) -> bool:
    return float(n).is_integer()


def plural(n: Number, forms: tuple[str, ...], lang: Lang = "pl") -> str:
    """The form of a noun that goes with the number `n`.

    Polish `forms` are (one, few, many) with an optional fourth for fractions (default: few); English
    `forms` are (one, other)."""
    if lang == "en":
        return forms[0] if abs(n) == 1 else forms[1]
    if not _is_whole(n):
        return forms[3] if len(forms) > 3 else forms[1]
    whole = abs(int(n))
    if whole == 1:
        return forms[0]
    if 2 <= whole % 10 <= 4 and not 12 <= whole % 100 <= 14:
        return forms[1]
    return forms[2]


def noun(key: str, n: Number, lang: Lang = "pl") -> str:
    """The form of a known noun (`day`, `product`, `tablespoon`, …) for the number `n`."""
    return plural(n, NOUNS[key][lang], lang)


def format_number(n: Number, lang: Lang = "pl") -> str:
    """`2`, `1,5` (Polish) or `1.5` (English); whole numbers without decimals."""
    if _is_whole(n):
        return str(int(n))
    text = f"{float(n):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "pl" else text


def count(n: Number, key: str, lang: Lang = "pl") -> str:
    """A number with its noun: `1 produkt`, `22 produkty`, `5 produktów`, `1 day`, `3 days`."""
    return f"{format_number(n, lang)} {noun(key, n, lang)}"
