"""Statistics over a window and ratio metrics: what a rule's value means."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.alerts.metrics_source import aggregate, percentile, ratio

values = st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=200)


def test_empty_window_has_no_value_for_any_statistic():
    for statistic in ("Sum", "Average", "Maximum", "p95"):
        assert aggregate([], statistic) is None


def test_p95_of_a_hundred_latencies_is_the_ninety_fifth():
    assert aggregate([float(v) for v in range(1, 101)], "p95") == 95.0


@given(values, st.sampled_from([50.0, 90.0, 95.0, 99.0]))
def test_percentile_lies_between_minimum_and_maximum(xs, pct):
    assert min(xs) <= percentile(xs, pct) <= max(xs)


@given(values)
def test_p100_is_the_maximum_and_sum_matches(xs):
    assert percentile(xs, 100) == max(xs)
    assert aggregate(xs, "SampleCount") == len(xs)
    assert aggregate(xs, "Minimum") <= aggregate(xs, "Average") + 1e-6 * max(1.0, abs(max(xs)))


def test_error_rate_is_errors_over_requests_in_percent():
    assert ratio(3, 40) == pytest.approx(7.5)


def test_no_requests_means_no_error_rate_rather_than_zero():
    assert ratio(0, 0) is None
    assert ratio(None, None) is None


def test_unknown_statistic_is_refused():
    with pytest.raises(ValueError):
        aggregate([1.0], "Median")
