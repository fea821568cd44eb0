"""The English -> Polish lexicon: English questions are told from Polish ones and glossed in Polish; English
endings reduce to dictionary words; the food glossary comes before the general dictionary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.vectors.lexicon import english_forms, is_english, lexicon, polish_gloss, translate


@pytest.mark.parametrize(
    "query", ["how long does opened jam keep", "can I freeze butter", "is kefir ok after the date"]
)
def test_an_english_question_reads_as_english(query: str) -> None:
    assert is_english(query)


@pytest.mark.parametrize(
    "query", ["kefir po terminie", "czy mogę zamrozić masło", "mleko UHT", "ile dni wytrzyma dzem"]
)
def test_a_polish_question_does_not_read_as_english(query: str) -> None:
    assert not is_english(query)


def test_english_endings_reduce_to_the_dictionary_word() -> None:
    assert "berry" in english_forms("berries")
    assert "rozmrażać" in translate("thawed")


def test_the_food_glossary_comes_before_the_general_dictionary() -> None:
    assert lexicon()["egg"][:2] == ("jajko", "jajka")


def test_an_english_question_is_glossed_with_polish_words() -> None:
    gloss = polish_gloss("can I freeze butter").split()
    assert "masło" in gloss and "zamrażać" in gloss


def test_function_words_are_not_glossed() -> None:
    assert polish_gloss("how is the") == ""


@given(st.text(max_size=80))
def test_any_text_is_classified_and_glossed_from_the_lexicon(text: str) -> None:
    assert is_english(text) in (True, False)
    values = {word for polish in lexicon().values() for word in polish}
    assert set(polish_gloss(text).split()) <= values
