"""Restoring Polish letters to a question typed without them, from the spellings a corpus uses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from foodsave.text.letters import fold, restore_letters, spellings

CORPUS = ["Można zamrozić drożdże w porcjach.", "Drożdże świeże; można je też suszyć.", "Mrożone maliny"]


def test_spellings_map_a_folded_word_to_its_spelling_with_polish_letters() -> None:
    table = spellings(CORPUS)
    assert table["drozdze"] == "drożdże" and table["zamrozic"] == "zamrozić" and table["mrozone"] == "mrożone"


def test_words_without_polish_letters_in_the_corpus_are_left_out_of_the_spellings() -> None:
    assert "maliny" not in spellings(CORPUS) and "w" not in spellings(CORPUS)


def test_the_most_frequent_spelling_wins() -> None:
    assert spellings(["kąt", "kat", "kąt", "kät"])["kat"] == "kąt"


def test_a_question_without_polish_letters_is_spelt_as_the_corpus_spells_it() -> None:
    restored = restore_letters("Czy mozna zamrozic drozdze?", spellings(CORPUS))
    assert restored == "czy można zamrozić drożdże?"


def test_words_the_corpus_does_not_know_stay_as_typed() -> None:
    assert restore_letters("ile kosztuje pizza 2 kg", spellings(CORPUS)) == "ile kosztuje pizza 2 kg"


@given(st.text(max_size=60), st.lists(st.text(max_size=40), max_size=5))
def test_restoring_letters_never_changes_the_folded_text(question: str, corpus: list[str]) -> None:
    assert fold(restore_letters(question, spellings(corpus))) == fold(question.lower())
