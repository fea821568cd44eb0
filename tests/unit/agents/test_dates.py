"""Dates in chat messages are read relative to the given day, leap years included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.agents.entities import parse_date, upcoming


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("29 lutego", date(2027, 3, 1), date(2028, 2, 29)),
        ("29 lutego", date(2028, 3, 1), date(2032, 2, 29)),
        ("29.02", date(2028, 2, 29), date(2028, 2, 29)),
        ("february 29", date(2029, 1, 10), date(2032, 2, 29)),
        ("20 maja", date(2030, 5, 21), date(2031, 5, 20)),
        ("20.05", date(2030, 5, 20), date(2030, 5, 20)),
        ("20.05.2029", date(2030, 5, 21), date(2029, 5, 20)),
    ],
)
def test_a_day_without_a_year_is_the_next_one_on_or_after_today(
    text: str, today: date, expected: date
) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("text", ["31 lutego", "31.04", "30.02.2028"])
def test_a_day_that_never_exists_is_not_a_date(text: str) -> None:
    assert parse_date(text, date(2028, 1, 1)) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.dates())
def test_upcoming_is_the_earliest_matching_day_not_before_today(today: date, day: date) -> None:
    found = upcoming(today, day.month, day.day)
    assert found is not None
    assert (found.month, found.day) == (day.month, day.day)
    assert found >= today
    earlier = found - timedelta(days=1)
    assert all(
        not (d >= today and (d.month, d.day) == (day.month, day.day))
        for d in (today + timedelta(days=n) for n in range((earlier - today).days + 1))
    )
