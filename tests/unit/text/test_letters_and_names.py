"""Folding, stemming and product-name normalisation shared by every module that compares names."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.text import fold, normalize_name, stem

POLISH_MARKED = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def test_fold_strips_polish_diacritics_and_lowers_case() -> None:
    assert fold("Zjadłem ŻÓŁTY ser, Łąka") == "zjadlem zolty ser, laka"


@given(st.text(max_size=60))
def test_fold_leaves_no_polish_marks_and_no_upper_case(text: str) -> None:
    folded = fold(text)
    assert not set(folded) & POLISH_MARKED
    assert folded == folded.lower()


@given(st.text(max_size=60))
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.-0123456789", max_size=60))
def test_fold_keeps_plain_lower_case_ascii_as_it_is(text: str) -> None:
    assert fold(text) == text


def test_fold_keeps_letters_of_other_scripts() -> None:
    assert fold("Молоко") == "молоко"


@pytest.mark.parametrize(
    "forms",
    [
        ("mleko", "mleka", "mlekiem", "milk"),
        ("jajko", "jajka", "jajek", "jaj", "eggs"),
        ("pomidor", "pomidorów"),
    ],
)
def test_inflected_forms_and_english_names_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(f) for f in forms}) == 1


@given(st.text(alphabet="aąbcćdeęfghijklłmnńoóprsśtuwyzźż", min_size=1, max_size=20))
def test_a_stem_is_folded(word: str) -> None:
    s = stem(word)
    assert s == fold(s)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SerekWiejski200g", "serek wiejski"),
        ("Mleko UHT 3,2% 1L", "mleko uht"),
        ("Banany luz", "banany"),
        ("Jogurt naturalny 400g", "jogurt naturalny"),
        ("Pączek z różą", "pączek z różą"),
        ("Ser w plastrach 150 g", "ser w plastrach"),
        ("Bułka z", "bułka"),
    ],
)
def test_normalize_name_gives_a_readable_base_name_that_keeps_its_meaning(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@given(st.text(max_size=60))
def test_normalize_name_is_lower_case_single_spaced_and_stable(raw: str) -> None:
    name = normalize_name(raw)
    assert name == name.lower()
    assert "  " not in name and name == name.strip()
    assert normalize_name(name) == name or not name
