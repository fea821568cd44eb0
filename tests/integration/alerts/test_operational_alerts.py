"""Operational rules evaluated against the local metrics store with a frozen clock: pending, firing,
cooldown, resolve, acknowledge, ratio metrics and history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from foodsave.alerts.evaluator import AlertEvaluator, AlertService
from foodsave.alerts.metrics_source import LocalMetricsSource, MetricQuery, ProbedMetricsSource
from foodsave.alerts.rules import AlertRuleIn, RuleService, seed_default_rules
from foodsave.db.models import Alert, AlertHistory, AlertRule


def _rule(services, **overrides) -> str:
    body = {
        "name": "errors-agent-chat",
        "metric": "ErrorRate",
        "statistic": "Sum",
        "period_seconds": 300,
        "operator": ">",
        "threshold": 5,
        "duration_seconds": 600,
        "cooldown_seconds": 1800,
        "dimensions": {"function": "agent-chat"},
    }
    with services.db.session() as session:
        return RuleService(session).create(AlertRuleIn(**{**body, **overrides})).id


def _evaluate(services):
    with services.db.session() as session:
        result = AlertEvaluator(session, LocalMetricsSource(services.db), services.clock).evaluate()
    return [(t.from_state, t.to_state) for t in result.transitions], result


def _traffic(points, errors: int, requests: int = 100, function: str = "agent-chat"):
    points("Requests", [1] * requests, function=function)
    points("Errors", [1] * errors + [0] * (requests - errors), function=function)


def _history(services):
    with services.db.session() as session:
        return [
            (h.from_state, h.to_state)
            for h in session.scalars(select(AlertHistory).order_by(AlertHistory.at))
        ]


def test_rule_walks_pending_firing_resolved_and_cooldown_without_sleeping(services, clock, points):
    _rule(services)
    _traffic(points, errors=10)
    assert _evaluate(services)[0] == [("ok", "pending")]

    clock.advance(minutes=5)
    _traffic(points, errors=9)
    assert _evaluate(services)[0] == []  # held 5 of the 10 minutes

    clock.advance(minutes=5)
    _traffic(points, errors=8)
    assert _evaluate(services)[0] == [("pending", "firing")]

    clock.advance(minutes=5)  # the window is quiet: errors stopped
    _traffic(points, errors=0)
    assert _evaluate(services)[0] == [("firing", "resolved")]

    clock.advance(minutes=5)  # errors return inside the 30 min cooldown: held in pending
    _traffic(points, errors=20)
    assert _evaluate(services)[0] == [("ok", "pending")]
    clock.advance(minutes=15)
    _traffic(points, errors=20)
    assert _evaluate(services)[0] == []  # duration met, cooldown not over

    clock.advance(minutes=11)  # cooldown over (31 min after resolve)
    _traffic(points, errors=20)
    assert _evaluate(services)[0] == [("pending", "firing")]
    assert _history(services) == [
        ("ok", "pending"),
        ("pending", "firing"),
        ("firing", "resolved"),
        ("ok", "pending"),
        ("pending", "firing"),
    ]


def test_error_rate_is_a_ratio_not_a_raw_error_count(services, clock, points):
    _rule(services, duration_seconds=0)
    _traffic(points, errors=30, requests=1000)  # 30 errors, but only 3 %
    assert _evaluate(services)[0] == []
    _traffic(points, errors=30, requests=100)  # now 60 / 1100 = 5.45 %
    changes, _ = _evaluate(services)
    assert changes == [("ok", "pending"), ("pending", "firing")]
    with services.db.session() as session:
        assert session.scalar(select(Alert.value)) == pytest.approx(100 * 60 / 1100)


def test_errors_of_another_function_do_not_count(services, clock, points):
    _rule(services, duration_seconds=0)
    _traffic(points, errors=50, function="vector-search")
    _traffic(points, errors=0, function="agent-chat")
    assert _evaluate(services)[0] == []


def test_samples_outside_the_period_are_ignored(services, clock, points):
    _rule(services, duration_seconds=0)
    points("Requests", [1] * 10, ago=timedelta(minutes=6), function="agent-chat")
    points("Errors", [1] * 10, ago=timedelta(minutes=6), function="agent-chat")
    assert _evaluate(services)[0] == []


def test_p95_latency_rule_fires_on_the_slow_tail(services, clock, points):
    _rule(services, name="p95", metric="LatencyMs", statistic="p95", threshold=2000, duration_seconds=0)
    points("LatencyMs", [100] * 90 + [2500] * 10, function="agent-chat")
    changes, result = _evaluate(services)
    assert changes[-1] == ("pending", "firing")
    assert result.transitions[-1].value == 2500


def test_pending_alert_returns_to_ok_when_the_condition_clears(services, clock, points):
    _rule(services)
    _traffic(points, errors=50)
    _evaluate(services)
    clock.advance(minutes=6)
    assert _evaluate(services)[0] == [("pending", "ok")]


def test_acknowledged_firing_alert_is_silent_but_stays_active(services, clock, points):
    _rule(services, duration_seconds=0)
    _traffic(points, errors=50)
    _, first = _evaluate(services)
    assert first.notifying == 1
    with services.db.session() as session:
        alert_id = session.scalar(select(Alert.id))
        AlertService(session, clock).acknowledge(alert_id, "dev:ops-ala")
    clock.advance(minutes=1)
    _, second = _evaluate(services)
    assert second.notifying == 0
    with services.db.session() as session:
        alert = session.get(Alert, alert_id)
        assert (alert.state, alert.acknowledged_by) == ("firing", "dev:ops-ala")


def test_manual_resolve_starts_the_cooldown(services, clock, points):
    _rule(services, duration_seconds=0, cooldown_seconds=600)
    _traffic(points, errors=50)
    _evaluate(services)
    with services.db.session() as session:
        AlertService(session, clock).resolve(session.scalar(select(Alert.id)), "dev:ops-ala")
    clock.advance(minutes=1)
    _traffic(points, errors=50)
    assert _evaluate(services)[0] == [("ok", "pending")]
    clock.advance(minutes=10)
    _traffic(points, errors=50)
    assert _evaluate(services)[0] == [("pending", "firing")]


def test_disabling_a_rule_resolves_its_firing_alert(services, clock, points):
    rule_id = _rule(services, duration_seconds=0)
    _traffic(points, errors=50)
    _evaluate(services)
    with services.db.session() as session:
        session.get(AlertRule, rule_id).enabled = False
    assert _evaluate(services)[0] == [("firing", "resolved")]


def test_rules_without_data_stay_ok(services, clock):
    with services.db.session() as session:
        seed_default_rules(session)
    changes, result = _evaluate(services)
    assert changes == []
    assert result.evaluated == 12


def test_gauges_are_probed_at_evaluation_time(services, clock):
    depth = {"value": 0.0}
    source = ProbedMetricsSource(LocalMetricsSource(services.db), {"DlqDepth": lambda: depth["value"]})
    _rule(
        services,
        name="dlq",
        metric="DlqDepth",
        statistic="Maximum",
        operator=">",
        threshold=0,
        duration_seconds=0,
        dimensions={},
    )
    query = MetricQuery("DlqDepth", "Maximum", 300)
    assert source.value(query, clock.now()) == 0
    depth["value"] = 2
    with services.db.session() as session:
        result = AlertEvaluator(session, source, clock).evaluate()
    assert [t.to_state for t in result.transitions] == ["pending", "firing"]


def test_default_rules_are_seeded_once_and_deletions_stick(services):
    with services.db.session() as session:
        assert seed_default_rules(session) == 12
    with services.db.session() as session:
        rule = session.scalar(select(AlertRule).where(AlertRule.name == "lambda-throttles"))
        RuleService(session).delete(rule.id)
    with services.db.session() as session:
        assert seed_default_rules(session) == 0
        assert len(RuleService(session).list()) == 11
