"""Comparison operators and rule validation: what operators may write, and what the evaluator compares."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from foodsave.alerts import catalog
from foodsave.alerts.rules import OPERATORS, AlertRuleIn, compare, default_rules

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(finite, finite)
def test_strict_and_loose_operators_agree(value, threshold):
    assert compare(value, ">=", threshold) == (
        compare(value, ">", threshold) or compare(value, "==", threshold)
    )
    assert compare(value, "<=", threshold) == (
        compare(value, "<", threshold) or compare(value, "==", threshold)
    )


@given(finite, finite)
def test_exactly_one_of_less_equal_greater_holds(value, threshold):
    assert [compare(value, op, threshold) for op in ("<", "==", ">")].count(True) == 1


@given(finite, finite)
def test_greater_than_is_less_than_mirrored(value, threshold):
    assert compare(value, ">", threshold) == compare(threshold, "<", value)
    assert compare(value, ">=", threshold) == (not compare(value, "<", threshold))


@given(st.sampled_from(OPERATORS), finite)
def test_nan_never_breaches(operator, threshold):
    assert not compare(math.nan, operator, threshold)


def test_unknown_operator_is_refused_by_compare():
    with pytest.raises(ValueError):
        compare(1, "!=", 0)


def _rule(**overrides):
    body = {"name": "r1", "metric": "ErrorRate", "statistic": "Sum", "operator": ">", "threshold": 5}
    return AlertRuleIn(**{**body, **overrides})


@pytest.mark.parametrize(
    "overrides",
    [
        {"metric": "CpuTemperature"},
        {"operator": "!="},
        {"operator": "=>"},
        {"cooldown_seconds": -1},
        {"duration_seconds": -60},
        {"period_seconds": 90},
        {"period_seconds": 0},
        {"threshold": float("nan")},
        {"threshold": float("inf")},
        {"severity": "apocalyptic"},
        {"statistic": "p95"},  # ratios are sums over sums
        {"dimensions": {"function": "mainframe"}},
        {"dimensions": {"colour": "red"}},
        {"name": ""},
        {"name": "<script>"},
        {"unexpected": 1},
    ],
)
def test_invalid_rules_are_rejected(overrides):
    with pytest.raises(ValidationError):
        _rule(**overrides)


def test_valid_rule_keeps_its_fields():
    rule = _rule(cooldown_seconds=0, duration_seconds=600, dimensions={"function": "ocr"})
    assert (rule.cooldown_seconds, rule.duration_seconds, rule.dimensions) == (0, 600, {"function": "ocr"})


@given(
    metric=st.sampled_from(sorted(catalog.CATALOGUE)),
    operator=st.sampled_from(OPERATORS),
    threshold=finite,
    period=st.integers(1, 1440).map(lambda m: m * 60),
    cooldown=st.integers(0, 7 * 86400),
    data=st.data(),
)
def test_every_catalogue_metric_accepts_its_own_statistics(
    metric, operator, threshold, period, cooldown, data
):
    statistic = data.draw(st.sampled_from(catalog.CATALOGUE[metric].statistics))
    rule = AlertRuleIn(
        name="generated",
        metric=metric,
        statistic=statistic,
        operator=operator,
        threshold=threshold,
        period_seconds=period,
        cooldown_seconds=cooldown,
    )
    assert AlertRuleIn.model_validate(rule.model_dump()) == rule


def test_default_rules_cover_the_system_health_signals():
    rules = {r.name: r for r in default_rules()}
    assert len(rules) == len(default_rules())
    for fn in catalog.FUNCTIONS:
        rule = rules[f"error-rate-{fn}"]
        assert (rule.metric, rule.operator, rule.threshold, rule.period_seconds) == ("ErrorRate", ">", 5, 300)
    assert rules["latency-p95-agent-chat"].statistic == "p95"
    assert rules["latency-p95-agent-chat"].threshold == 2000
    assert (rules["ocr-failure-rate"].threshold, rules["ocr-failure-rate"].period_seconds) == (20, 900)
    assert rules["index-dlq-not-empty"].metric == "DlqDepth"
    assert rules["index-stale"].threshold == catalog.INDEX_REBUILD_INTERVAL_SECONDS
    assert rules["lambda-throttles"].metric == "LambdaThrottles"
