"""The English -> Polish lexicon: English questions are told from Polish ones and glossed in Polish; English
endings reduce to dictionary words; the food glossary comes before the general dictionary."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.vectors.embed import tokens
from foodsave.vectors.lexicon import (
    ENGLISH_FUNCTION_WORDS,
    curated_translate,
    english_forms,
    entry,
    is_english,
    lexicon,
    phrase,
    phrase_entry,
    phrase_table,
    polish_gloss,
    read_table,
    spelt_right,
    translate,
    translations,
)


@pytest.mark.parametrize(
    "query", ["how long does opened jam keep", "can I freeze butter", "is kefir ok after the date"]
)
def test_an_english_question_reads_as_english(query: str) -> None:
    assert is_english(query)


@pytest.mark.parametrize(
    "query",
    [
        "kefir po terminie",
        "czy mogę zamrozić masło",
        "mleko UHT",
        "ile dni wytrzyma dzem",
        # Loanwords Polish shares with English, typed without Polish letters: no evidence of English.
        "sos chilli",
        "pudding chia",
        "ricotta czy mascarpone",
        "ser gouda edam",
        "burger wolowy",
    ],
)
def test_a_polish_question_does_not_read_as_english(query: str) -> None:
    assert not is_english(query)


@pytest.mark.parametrize(
    "query",
    [
        "can I freeze ricotta",
        "how to store gouda",
        "is leftover pizza safe",
        # English words the general dictionary also shows on its Polish side ("get lost", "know better").
        "I'm lost",
        "know about pierogi",
        "talk about sushi",
        "kefir past the date",
    ],
)
def test_an_english_question_about_a_loanword_still_reads_as_english(query: str) -> None:
    assert is_english(query)


@pytest.mark.parametrize(
    ("word", "polish"), [("icing", "lukier"), ("breading", "panierowanie"), ("grounds", "fusy")]
)
def test_a_form_whose_meaning_differs_from_its_base_form_s_has_its_own_glossary_entry(word, polish) -> None:
    """icing is not ice (lód), breading is not bread, coffee grounds are not ground meat."""
    assert polish in curated_translate(word)


@pytest.mark.parametrize(
    ("word", "polish"),
    [("stocks", "bulion"), ("boxing", "pudełko"), ("dated", "data"), ("carrots", "marchew")],
)
def test_an_inflected_glossary_word_keeps_the_glossary_s_sense_not_the_dictionary_s(word, polish) -> None:
    """The general dictionary lists stocks as dyby (a pillory) and dated as przestarzały: off the topic."""
    assert curated_translate(word)[0] == polish


def test_english_endings_reduce_to_the_dictionary_word() -> None:
    assert "berry" in english_forms("berries")
    assert "namoczyć" in translate("soaked")


def test_the_food_glossary_comes_before_the_general_dictionary() -> None:
    assert lexicon()["egg"][:2] == ("jajko", "jajka")


def test_an_english_question_is_glossed_with_polish_words() -> None:
    gloss = polish_gloss("can I freeze butter").split()
    assert "masło" in gloss and "zamrażać" in gloss


def test_a_two_word_phrase_is_glossed_as_one() -> None:
    assert translations(["melted", "ice", "cream"], own=False)[1:] == [phrase("ice", "cream")] * 2
    assert "lody" in polish_gloss("melted ice cream").split()


def test_the_words_of_a_phrase_keep_their_own_translations_after_the_phrases() -> None:
    joint = phrase("ice", "cream")
    assert joint is not None
    ice, cream = translations(["ice", "cream"])
    assert ice[: len(joint)] == joint and set(translate("ice")) <= set(ice)
    assert cream[: len(joint)] == joint and set(translate("cream")) <= set(cream)


@pytest.mark.parametrize("query", ["is it safe to eat the cheese", "milk smells fine", "power at home"])
def test_the_dense_gloss_of_a_glossary_word_uses_only_the_glossary_s_polish_words(query: str) -> None:
    glossary = read_table("glossary_en_pl.tsv")
    listed = {word for english in query.split() for word in glossary.get(english, ())}
    assert polish_gloss(query) and set(polish_gloss(query).split()) <= listed


def test_lexical_search_keeps_the_general_dictionary_s_senses_of_a_glossary_word() -> None:
    glossary = read_table("glossary_en_pl.tsv")
    assert set(translate("cheese")) > set(glossary["cheese"])


def test_the_dense_gloss_of_a_word_the_glossary_lacks_uses_the_general_dictionary() -> None:
    assert "glossary" not in read_table("glossary_en_pl.tsv")
    assert polish_gloss("glossary").split() == list(translate("glossary")[:2])


def test_a_hand_written_phrase_comes_before_the_general_dictionary_s() -> None:
    hand = read_table("glossary_phrases_en_pl.tsv")
    assert read_table("phrases_en_pl.tsv")["cottage cheese"] != hand["cottage cheese"]
    assert {english: phrase_table()[english] for english in hand} == hand


def test_a_phrase_looked_up_alone_reads_as_in_the_whole_table() -> None:
    table = phrase_table()
    assert {english: phrase_entry(english) for english in table} == table
    assert phrase_entry("zupa pomidorowa") is None


def test_every_hand_written_phrase_is_two_english_words_without_a_function_word() -> None:
    hand = read_table("glossary_phrases_en_pl.tsv")
    assert [english for english in hand if len(english.split()) != 2 or not english.isascii()] == []
    assert [english for english in hand if ENGLISH_FUNCTION_WORDS & set(english.split())] == []


def test_no_phrase_holds_an_english_function_or_modal_word() -> None:
    assert [english for english in phrase_table() if ENGLISH_FUNCTION_WORDS & set(english.split())] == []


@pytest.mark.parametrize(
    ("query", "word"), [("which oil can i use for frying", "oil"), ("head of lettuce", "head")]
)
def test_a_word_beside_a_function_word_keeps_its_own_translations(query: str, word: str) -> None:
    words = query.split()
    assert translations(words)[words.index(word)] == translate(word)


def test_the_spelling_table_holds_the_stem_of_every_polish_word_of_the_lexicon_and_its_phrases() -> None:
    text = (resources.files("foodsave.vectors") / "data" / "stems_pl.tsv").read_text(encoding="utf-8")
    listed = [line for line in text.splitlines() if line and not line.startswith("#")]
    tables = (lexicon(), read_table("phrases_en_pl.tsv"), read_table("glossary_phrases_en_pl.tsv"))
    words = {word for table in tables for polish in table.values() for word in polish}
    assert listed == sorted({stem for word in words for stem in tokens(word)})


@pytest.mark.parametrize("word", ["pomidor", "lodówka", "masło"])
def test_a_polish_dictionary_word_is_spelt_right(word: str) -> None:
    assert spelt_right(tokens(word)[0])


@pytest.mark.parametrize("word", ["pomidrowa", "zzzzz", ""])
def test_a_misspelt_word_is_not_spelt_right(word: str) -> None:
    assert not spelt_right(word)


def test_a_phrase_is_found_with_its_last_word_in_the_plural() -> None:
    assert phrase("egg", "whites") == phrase("egg", "white") is not None


def test_words_that_form_no_phrase_keep_their_own_translations() -> None:
    assert translations(["fresh", "butter"]) == [translate("fresh"), translate("butter")]


def test_function_words_are_not_glossed() -> None:
    assert polish_gloss("how is the") == ""


@given(st.text(max_size=80))
def test_any_text_is_classified_and_glossed_from_the_lexicon(text: str) -> None:
    assert is_english(text) in (True, False)
    values = {word for table in (lexicon(), phrase_table()) for polish in table.values() for word in polish}
    assert set(polish_gloss(text).split()) <= values


@pytest.mark.parametrize("name", ["lexicon_en_pl.tsv", "phrases_en_pl.tsv"])
def test_the_general_dictionary_is_sorted_by_unique_english_keys(name: str) -> None:
    """Both are looked up by bisecting their text: a key out of order would never be found."""
    text = (resources.files("foodsave.vectors") / "data" / name).read_text(encoding="utf-8")
    keys = [line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#")]
    assert keys == sorted(set(keys))


def test_every_word_is_looked_up_as_the_whole_table_lists_it() -> None:
    table = lexicon()
    assert {english: entry(english) for english in table} == table


@pytest.mark.parametrize("word", ["", "a", "zzzzz", "aaaaa", "egg ", "eggs\t", "#"])
def test_a_word_neither_source_lists_has_no_entry(word: str) -> None:
    assert word not in lexicon()
    assert entry(word) is None
