"""Reading pantry commands, quantities, periods and places out of chat messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.agents.entities import (
    parse_days,
    parse_diet_tags,
    parse_merchant,
    parse_pantry_command,
    parse_period,
    parse_spend_category,
)

TODAY = date(2030, 5, 15)  # a Wednesday


def test_add_with_a_count_uses_the_nominative_name():
    command = parse_pantry_command("dodaj 2 mleka")
    assert command.action == "add"
    assert [(i.name, i.quantity, i.unit) for i in command.items] == [("mleko", Decimal("2"), None)]


def test_half_a_loaf_is_a_fraction_of_one_item():
    command = parse_pantry_command("zjadłem pół chleba")
    assert command.action == "consume"
    assert command.items[0].name == "chleb"
    assert command.items[0].fraction == Decimal("0.5")


@pytest.mark.parametrize(
    ("message", "action", "name"),
    [
        ("zjadłem jogurt", "consume", "jogurt"),
        ("wyrzuciłem chleb, był spleśniały", "discard", "chleb"),
        ("I ate the yogurt", "consume", "yogurt"),
        ("I threw away the bread", "discard", "bread"),
        ("mleko wypite", "consume", "mleko"),
        ("add 2 milks", "add", "milk"),
        ("ile mam jeszcze mleka", "check", "mleko"),
        ("do I have any cheese left?", "check", "cheese"),
    ],
)
def test_action_and_item_of_a_pantry_message(message, action, name):
    command = parse_pantry_command(message)
    assert command.action == action
    assert command.items[0].name == name


def test_several_items_with_units_and_an_expiry_date():
    command = parse_pantry_command("kupiłam 3 jajka i 1 kg ziemniaków, ważne do piątku", TODAY)
    assert command.action == "add"
    assert [(i.name, i.quantity, i.unit) for i in command.items] == [
        ("jajko", Decimal("3"), None),
        ("ziemniak", Decimal("1"), "kg"),
    ]
    assert command.expires_at == date(2030, 5, 17)


def test_questions_without_items_list_or_show_what_expires():
    assert parse_pantry_command("co mam w lodówce?").action == "list"
    assert parse_pantry_command("co się kończy?").action == "expiring"
    assert parse_pantry_command("what is expiring soon?").action == "expiring"


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["mleka", "jajek", "jogurty", "pomidorów", "chleba"]),
    st.sampled_from(["dodaj", "dopisz", "wrzuć"]),
)
def test_any_count_of_a_product_is_read_exactly(count, word, verb):
    command = parse_pantry_command(f"{verb} {count} {word}")
    assert command.action == "add"
    assert len(command.items) == 1
    assert command.items[0].quantity == Decimal(count)


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99.9"), places=1))
def test_decimal_quantities_with_a_comma_and_a_unit(value):
    text = f"{value}".replace(".", ",")
    command = parse_pantry_command(f"dodaj {text} kg ziemniaków")
    assert command.items[0].quantity == value
    assert command.items[0].unit == "kg"


@given(st.text(max_size=200))
def test_parsing_arbitrary_text_never_fails(text):
    command = parse_pantry_command(text, TODAY)
    assert command.action in ("add", "consume", "discard", "check", "expiring", "list")
    for item in command.items:
        assert item.name
        assert item.quantity is None or item.quantity > 0


def span(text):
    period = parse_period(text, TODAY)
    return period.start, period.end


def test_spending_periods():
    assert span("ile wydałem w tym miesiącu") == (date(2030, 5, 1), TODAY)
    assert span("w zeszłym tygodniu") == (date(2030, 5, 6), date(2030, 5, 12))
    assert span("last month") == (date(2030, 4, 1), date(2030, 4, 30))
    assert span("w październiku") == (date(2029, 10, 1), date(2029, 10, 31))
    assert span("last 30 days") == (date(2030, 4, 16), TODAY)


def test_spending_filters_and_plan_parameters():
    assert parse_spend_category("ile wydałam na nabiał") == "dairy"
    assert parse_spend_category("ile wydałem w tym miesiącu") is None
    assert parse_merchant("ile zostawiłem w Biedronce") == "Biedronka"
    assert parse_days("jadłospis na tydzień") == 7
    assert parse_days("plan na 5 dni") == 5
    assert parse_days("plan for 40 days") == 14
    assert parse_diet_tags("a coś wegetariańskiego?") == ("vegetarian",)
    assert parse_diet_tags("vegan and gluten-free please") == ("vegan", "gluten_free")
