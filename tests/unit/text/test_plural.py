"""Plural forms of counted nouns: Polish one/few/many and English one/other."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.text import count, plural

PRODUCT = ("produkt", "produkty", "produktów")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "produkt"),
        (2, "produkty"),
        (4, "produkty"),
        (5, "produktów"),
        (11, "produktów"),
        (12, "produktów"),
        (14, "produktów"),
        (21, "produktów"),
        (22, "produkty"),
        (24, "produkty"),
        (25, "produktów"),
        (0, "produktów"),
        (101, "produktów"),
        (112, "produktów"),
        (1002, "produkty"),
    ],
)
def test_polish_plural_follows_one_few_many(n: int, expected: str) -> None:
    assert plural(n, PRODUCT, "pl") == expected


@given(st.integers(min_value=0, max_value=10**6))
def test_polish_few_is_exactly_the_numbers_ending_in_two_to_four_outside_the_teens(n: int) -> None:
    # An independent statement of the rule: last digit 2..4, last two digits not 12..14.
    digits = str(n)
    few = digits[-1] in "234" and not (len(digits) > 1 and digits[-2] == "1")
    form = plural(n, PRODUCT, "pl")
    if n == 1:
        assert form == "produkt"
    else:
        assert (form == "produkty") == few
        assert (form == "produktów") == (not few)


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_english_singular_only_for_one(n: int) -> None:
    assert plural(n, ("day", "days"), "en") == ("day" if abs(n) == 1 else "days")


def test_fractions_take_the_genitive_singular_in_polish() -> None:
    assert count(1.5, "day", "pl") == "1,5 dnia"
    assert count(2.5, "day", "en") == "2.5 days"


@pytest.mark.parametrize(
    ("n", "key", "lang", "expected"),
    [
        (1, "day", "pl", "1 dzień"),
        (3, "day", "pl", "3 dni"),
        (1, "day", "en", "1 day"),
        (2, "tablespoon", "pl", "2 łyżki"),
        (5, "tablespoon", "pl", "5 łyżek"),
        (22, "product", "pl", "22 produkty"),
        (1, "product", "en", "1 product"),
    ],
)
def test_count_joins_the_number_and_its_noun(n: int, key: str, lang: str, expected: str) -> None:
    assert count(n, key, lang) == expected  # type: ignore[arg-type]
