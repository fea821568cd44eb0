"""Date-taking services answer any calendar day with a result or InvalidInput, never an OverflowError."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.days import FIRST_DAY, LAST_DAY, check_day, shift
from foodsave.errors import InvalidInput
from foodsave.receipts.expiry import ExpiryEstimator
from foodsave.recipes.planner import MAX_DAYS, plan_from

ANY_DAY = st.dates(min_value=date.min, max_value=date.max)
SPAN = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@given(ANY_DAY, st.integers(min_value=-(10**6), max_value=10**6))
def test_shifting_any_day_lands_in_the_span_or_is_refused(day, days):
    try:
        moved = shift(day, days)
    except InvalidInput:
        return
    assert FIRST_DAY <= moved <= LAST_DAY
    assert (moved - day).days == days


@given(ANY_DAY)
def test_only_days_of_the_span_pass_the_check(day):
    inside = FIRST_DAY <= day <= LAST_DAY
    if inside:
        assert check_day(day) == day
    else:
        with pytest.raises(InvalidInput):
            check_day(day)


@given(ANY_DAY, st.integers(min_value=1, max_value=MAX_DAYS))
def test_a_meal_plan_starting_any_day_is_made_exactly_when_all_its_days_are_in_the_span(day, days):
    last_ordinal = day.toordinal() + days - 1
    fits = FIRST_DAY <= day and last_ordinal <= LAST_DAY.toordinal()
    try:
        plan = plan_from([], [], day, days=days)
    except InvalidInput:
        assert not fits
        return
    assert fits
    assert [d.date.toordinal() for d in plan.days] == list(range(day.toordinal(), last_ordinal + 1))


@given(ANY_DAY, st.sampled_from(["dairy", "meat", "dry_goods", "frozen", "canned", "other"]))
def test_an_expiry_estimate_for_any_purchase_day_is_a_day_not_an_overflow(day, category):
    estimate = ExpiryEstimator().estimate(category, "produkt", day)
    assert estimate.expires_at >= day
