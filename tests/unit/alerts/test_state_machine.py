"""The alert state machine as a pure function: ok -> pending -> firing -> resolved, with duration and cooldown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.alerts.evaluator import FIRING, OK, PENDING, RESOLVED, next_states


def step(state, breaching, held=0.0, duration=0, cooldown=False):
    return next_states(state, breaching, held_seconds=held, duration_seconds=duration, in_cooldown=cooldown)


def test_condition_seen_with_a_duration_opens_a_pending_alert():
    assert step(OK, True, duration=300) == [PENDING]


def test_condition_without_duration_passes_pending_and_fires_at_once():
    assert step(OK, True, duration=0) == [PENDING, FIRING]


def test_pending_fires_once_the_condition_held_for_the_duration():
    assert step(PENDING, True, held=299, duration=300) == []
    assert step(PENDING, True, held=300, duration=300) == [FIRING]


def test_pending_goes_back_to_ok_when_the_condition_clears():
    assert step(PENDING, False, held=100, duration=300) == [OK]


def test_firing_stays_firing_while_the_condition_holds():
    assert step(FIRING, True, held=10_000) == []


def test_firing_resolves_when_the_condition_clears():
    assert step(FIRING, False) == [RESOLVED]


def test_cooldown_holds_a_new_alert_in_pending():
    assert step(RESOLVED, True, duration=0, cooldown=True) == [PENDING]
    assert step(PENDING, True, held=3600, duration=0, cooldown=True) == []


def test_nothing_happens_without_condition_and_without_alert():
    assert step(OK, False) == []
    assert step(RESOLVED, False) == []


def test_unknown_state_is_a_programming_error():
    with pytest.raises(ValueError):
        step("exploded", True)


states = st.sampled_from([OK, PENDING, FIRING, RESOLVED])


@given(states, st.booleans(), st.floats(0, 1e6), st.integers(0, 86400), st.booleans())
def test_an_alert_never_fires_without_its_condition_nor_during_cooldown(
    state, breaching, held, duration, cooldown
):
    path = step(state, breaching, held, duration, cooldown)
    if FIRING in path:
        assert breaching and not cooldown and held >= duration


@given(states, st.booleans(), st.floats(0, 1e6), st.integers(0, 86400), st.booleans())
def test_only_a_firing_alert_resolves_and_only_pending_returns_to_ok(
    state, breaching, held, duration, cooldown
):
    path = step(state, breaching, held, duration, cooldown)
    if RESOLVED in path:
        assert state == FIRING and path == [RESOLVED]
    if OK in path:
        assert state == PENDING and path == [OK]
