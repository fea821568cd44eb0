"""The categoriser copes with abbreviated, glued receipt names; normalised names are readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.categories.categorize import CATEGORIES, Categorizer, is_food, normalize_name, split_glued


@pytest.fixture(scope="module")
def categorizer() -> Categorizer:
    return Categorizer()


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("SerekWiejski200g", "dairy"),
        ("MasłoOsełMIDol300g", "dairy"),
        ("PłatkiKukurVit500g", "dry_goods"),
        ("K. Kalafior 450g", "vegetables"),
        ("Sok pomarańczowy 1L", "beverages"),
        ("Pasta do zębów Colgate", "cosmetics"),
        ("Ptasie mleczko", "snacks"),
        ("Żywiec Zdrój 1,5L", "beverages"),
        ("Piwo Żywiec 0,5L", "alcohol"),
        ("Brokuły mrożone 450g", "frozen"),
        ("Reklamówka", "household"),
        ("Pierś z kurczaka", "meat"),
        ("Łosoś wędzony 100g", "fish"),
    ],
)
def test_receipt_names_get_their_category(categorizer: Categorizer, name: str, category: str) -> None:
    assert categorizer.categorize(name)[0] == category


def test_ocr_typo_in_a_stem_still_matches(categorizer: Categorizer) -> None:
    assert categorizer.categorize("Jogurl naturalny")[0] == "dairy"


def test_unknown_name_is_other_with_low_confidence(categorizer: Categorizer) -> None:
    category, confidence = categorizer.categorize("Qwxz 123")
    assert category == "other" and confidence < 0.3


def test_known_name_has_high_confidence(categorizer: Categorizer) -> None:
    assert categorizer.categorize("Mleko 2% 1L")[1] >= 0.8


@given(st.text(max_size=40))
def test_categorize_always_returns_a_known_category_and_confidence_in_range(name: str) -> None:
    category, confidence = _SHARED.categorize(name)
    assert category in CATEGORIES
    assert 0.0 <= confidence <= 1.0


_SHARED = Categorizer()


def test_glued_words_are_split() -> None:
    assert split_glued("MasłoOsełMIDol300g") == "Masło Oseł MI Dol 300g"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("SerekWiejski200g", "serek wiejski"), ("Mleko UHT 3,2% 1L", "mleko uht"), ("Banany luz", "banany")],
)
def test_normalize_name_gives_a_readable_base_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize("category", ["household", "cosmetics", "other"])
def test_non_food_categories_are_not_food(category: str) -> None:
    assert not is_food(category)


def test_food_categories_are_food() -> None:
    assert all(is_food(c) for c in CATEGORIES if c not in ("household", "cosmetics", "other"))
