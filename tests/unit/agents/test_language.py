"""Per-message language detection (pl/en) without any network, and diacritic folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.agents.text import detect_language, is_foreign
from foodsave.text import fold


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("co mam w lodówce?", "pl"),
        ("zjadlem jogurt", "pl"),
        ("ile wydalem w tym miesiacu", "pl"),
        ("jaka pogoda jutro", "pl"),
        ("what's in my fridge?", "en"),
        ("I ate the yogurt", "en"),
        ("how much did I spend this month", "en"),
        ("plan my meals for 3 days", "en"),
    ],
)
def test_language_of_a_message(message, lang):
    assert detect_language(message) == lang


def test_without_evidence_the_conversation_language_is_kept():
    assert detect_language("🙂", default="en") == "en"
    assert detect_language("OK", default="pl") == "pl"


def test_other_languages_are_recognised_as_foreign():
    assert is_foreign("Quiero cocinar algo con patatas, ¿qué me recomiendas para la cena?")
    assert not is_foreign("zjadłem jogurt")
    assert not is_foreign("I threw away the bread")


@given(st.text(max_size=80))
def test_folding_never_fails_and_leaves_no_polish_diacritics(text):
    folded = fold(text)
    assert not set(folded) & set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
    assert detect_language(text) in ("pl", "en")
