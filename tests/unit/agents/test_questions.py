"""Question understanding: the type of a pantry or kitchen question, its items, time frame and bad quantities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.agents.questions import bad_quantity, understand
from foodsave.agents.router import route


@pytest.mark.parametrize(
    ("message", "kind", "items"),
    [
        ("Kiedy kończy się ważność mleka?", "expires_when", ["mleko"]),
        ("When does my milk expire?", "expires_when", ["milk"]),
        ("Ile mam jajek?", "how_much", ["jajko"]),
        ("How many eggs do I have?", "how_much", ["egg"]),
        ("Czy mam masło?", "have", ["masło"]),
        ("Do I have any cheese?", "have", ["cheese"]),
        ("Czy mogę jeszcze zjeść jogurt?", "still_ok", ["jogurt"]),
        ("Is my chicken still good?", "still_ok", ["chicken"]),
        ("Co jest po terminie?", "expired", []),
        ("What has expired?", "expired", []),
        ("Co się kończy w tym tygodniu?", "expiring", []),
        ("What should I eat first?", "expiring", []),
    ],
)
def test_a_question_is_understood_with_its_items(message: str, kind: str, items: list[str]) -> None:
    question = understand(message)
    assert question.kind == kind
    assert [i.name for i in question.items] == items


@pytest.mark.parametrize(
    ("message", "days"),
    [("co się kończy jutro?", 1), ("what expires this week?", 7), ("co traci ważność w ciągu 5 dni?", 5),
     ("what expires the day after tomorrow?", 2), ("co się kończy?", None)],
)  # fmt: skip
def test_the_time_frame_of_an_expiry_question(message: str, days: int | None) -> None:
    assert understand(message).days == days


def test_how_many_eggs_is_a_pantry_question_not_spending() -> None:
    assert route("Ile mam jajek?").intent == "pantry"
    assert route("ile wydałem w tym miesiącu?").intent == "shopping"


def test_storage_questions_go_to_the_knowledge_corpus_even_when_they_mention_the_fridge() -> None:
    decided = route("How long can I keep opened yogurt in the fridge?")
    assert (decided.intent, decided.flags) == ("documents", ("knowledge",))


def test_a_question_about_the_shopping_list_stays_with_the_list() -> None:
    assert route("is there any milk on my shopping list?").intent == "shopping"


@pytest.mark.parametrize("message", ["dodaj 1e400 kg mąki", "add NaN kg flour", "dodaj -5 kg ziemniaków",
                                     "add inf l milk", "dodaj 99999999 g cukru"])  # fmt: skip
def test_impossible_quantities_are_caught(message: str) -> None:
    assert bad_quantity(message) is not None


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["kg", "g", "l", "ml", "szt", ""]))
def test_an_ordinary_positive_quantity_is_never_refused(n: int, unit: str) -> None:
    assert bad_quantity(f"dodaj {n} {unit} mąki") is None


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(["kg", "g", "l", "ml", "szt"]))
def test_a_negative_quantity_with_a_unit_is_always_refused(n: int, unit: str) -> None:
    assert bad_quantity(f"add -{n} {unit} flour") is not None


@given(st.text(max_size=120))
def test_understanding_never_fails_on_any_text(text: str) -> None:
    question = understand(text)
    assert question.kind is None or isinstance(question.kind, str)
