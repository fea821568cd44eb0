"""Matching product names across Polish inflection, receipts' spelling and brand words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.pantry.matching import MATCH_THRESHOLD, key_tokens, match_score, matches, rank_by_name
from foodsave.text import fold


@pytest.mark.parametrize(
    ("wanted", "have"),
    [
        ("mleka", "mleko"),
        ("mleko", "Mleko UHT 3,2% 1L"),
        ("pomidory", "pomidor"),
        ("pomidor", "Pomidory malinowe luz"),
        ("jogurt naturalny", "jogurt"),
        ("jogurt", "Jogurt naturalny 400g"),
        ("jajko", "Jaja kurze L 10szt"),
        ("jajka", "jajko"),
        ("ziemniak", "Ziemniaki młode"),
        ("jabłko", "Jabłka Ligol"),
        ("czosnku", "Czosnek"),
        ("ogórek", "Ogórki gruntowe"),
        ("marchewka", "Marchew"),
        ("kurczakiem", "kurczak"),
        ("pierś z kurczaka", "Filet z piersi kurczaka"),
        ("jajko", "Jaja wiejskie M 10szt"),
        ("mięso mielone", "Mięso mielone wieprzowe"),
        ("olej rzepakowy", "Olej 1l"),
    ],
)
def test_inflected_forms_of_the_same_product_match(wanted, have):
    assert matches(wanted, have)


def test_receipt_spelling_without_diacritics_matches():
    assert matches("masło", "MASLO EXTRA 200G")
    assert matches("śmietana", "SMIETANA 18% 400G")


def test_brand_before_the_product_still_matches_but_scores_lower():
    assert matches("mleko", "Łaciate mleko 2%")
    assert match_score("mleko", "Łaciate mleko 2%") < match_score("mleko", "Mleko łaciate 2%")


@pytest.mark.parametrize(
    ("wanted", "have"),
    [
        ("mleko kokosowe", "Mleko UHT 3,2%"),
        ("mleko", "Mleko kokosowe"),
        ("mąka pszenna", "Mąka ziemniaczana"),
        ("oliwa z oliwek", "Oliwki zielone"),
        ("ogórek kiszony", "Ogórek gruntowy"),
        ("jogurt naturalny", "Jogurt grecki"),
        ("ser feta", "Ser Gouda"),
        ("sok malinowy", "Sok pomarańczowy"),
        ("mleko", "Mleko owsiane"),
        ("ser", "Serek wiejski"),
        ("ryż", "Ryba"),
        ("cebula", "Cukinia"),
        ("jogurt naturalny", "Jogurt truskawkowy"),
        ("truskawka", "Dżem truskawkowy"),
        ("cytryna", "Herbata cytrynowa"),
    ],
)
def test_different_products_do_not_match(wanted, have):
    assert not matches(wanted, have)


def test_a_qualifier_the_pantry_item_has_adds_credit():
    assert match_score("jogurt naturalny", "Jogurt naturalny") > match_score("jogurt naturalny", "Jogurt")


def test_sizes_percentages_and_packaging_words_are_ignored():
    assert key_tokens("Mleko 3,2% 1L op.") == key_tokens("mleko")


def test_ranking_puts_the_best_name_first_and_drops_non_matches():
    names = ["Mleko kokosowe", "Jogurt", "Łaciate mleko", "Mleko 2%"]
    ranked = [name for _, name in rank_by_name("mleka", names, lambda n: n)]
    assert ranked == ["Mleko 2%", "Łaciate mleko"]


polish_words = st.text(alphabet="abcćdeęfghijklłmnńoóprsśtuwyzźżą", min_size=3, max_size=12)


@given(st.lists(polish_words, min_size=1, max_size=4).map(" ".join))
def test_a_name_matches_itself_whenever_it_has_a_product_word(name):
    if key_tokens(name):
        assert match_score(name, name) == 100.0
    else:
        assert match_score(name, name) == 0.0


@given(st.text(max_size=60), st.text(max_size=60))
def test_scores_stay_between_zero_and_one_hundred_for_any_text(wanted, have):
    score = match_score(wanted, have)
    assert 0.0 <= score <= 100.0
    assert (score >= MATCH_THRESHOLD) == matches(wanted, have)


@given(st.text(max_size=40))
def test_folding_leaves_no_polish_diacritics(text):
    assert not set(fold(text)) & set("ąćęłńóśźż")
