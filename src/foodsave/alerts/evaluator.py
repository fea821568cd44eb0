"""The operational alert state machine: ok -> pending (condition seen) -> firing (held for `duration`)
-> resolved (condition gone, or resolved by hand); cooldown after a resolve holds a new alert in pending,
acknowledging silences a firing alert. Every transition is written to alert_history. Time comes from the Clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foodsave.alerts import catalog
from foodsave.alerts.metrics_source import MetricQuery, MetricsSource
from foodsave.alerts.rules import compare
from foodsave.db.models import Alert, AlertHistory, AlertRule
from foodsave.errors import Conflict, FoodSaveError, NotFound
from foodsave.observability import logger, span
from foodsave.ports import Clock

OK, PENDING, FIRING, RESOLVED = "ok", "pending", "firing", "resolved"
OPEN_STATES = (PENDING, FIRING)


def next_states(
    state: str, breaching: bool, *, held_seconds: float, duration_seconds: int, in_cooldown: bool
) -> list[str]:
    """The states an alert passes through in one evaluation (empty: nothing changes).

    `state` is the open alert's state, or ok/resolved when there is none. `held_seconds` is how long the
    condition has been seen (0 when it appears now).
    """
    if state in (OK, RESOLVED):
        if not breaching:
            return []
        path = [PENDING]
        if held_seconds >= duration_seconds and not in_cooldown:
            path.append(FIRING)
        return path
    if state == PENDING:
        if not breaching:
            return [OK]
        if held_seconds >= duration_seconds and not in_cooldown:
            return [FIRING]
        return []
    if state == FIRING:
        return [] if breaching else [RESOLVED]
    raise ValueError(f"unknown alert state {state!r}")


@dataclass(frozen=True)
class Transition:
    rule: str
    rule_id: str
    alert_id: str
    from_state: str
    to_state: str
    value: float | None
    at: datetime
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


@dataclass
class EvaluationResult:
    transitions: list[Transition]
    evaluated: int
    read_errors: int
    notifying: int  # firing and not acknowledged

    def counts(self) -> dict[str, int]:
        by_state: dict[str, int] = {}
        for t in self.transitions:
            by_state[t.to_state] = by_state.get(t.to_state, 0) + 1
        return {
            "rules_evaluated": self.evaluated,
            "read_errors": self.read_errors,
            "firing_unacknowledged": self.notifying,
            **{f"to_{k}": v for k, v in sorted(by_state.items())},
        }


def _history(
    session: Session, alert: Alert, rule: AlertRule, frm: str, to: str, at: datetime, note: str | None = None
) -> Transition:
    session.add(
        AlertHistory(
            alert_id=alert.id,
            rule_id=rule.id,
            from_state=frm,
            to_state=to,
            value=alert.value,
            note=note,
            at=at,
        )
    )
    return Transition(rule.name, rule.id, alert.id, frm, to, alert.value, at, note)


def _apply(
    session: Session, alert: Alert, rule: AlertRule, to: str, now: datetime, note: str | None = None
) -> Transition:
    frm = alert.state
    alert.state = to
    if to == FIRING:
        alert.fired_at = now
    elif to in (RESOLVED, OK):
        alert.resolved_at = now
    return _history(session, alert, rule, frm, to, now, note)


class AlertEvaluator:
    """Evaluates every rule once against a MetricsSource."""

    def __init__(self, session: Session, source: MetricsSource, clock: Clock) -> None:
        self.session = session
        self.source = source
        self.clock = clock

    def _open_alert(self, rule_id: str) -> Alert | None:
        return self.session.scalar(
            select(Alert)
            .where(Alert.rule_id == rule_id, Alert.state.in_(OPEN_STATES))
            .order_by(Alert.started_at.desc())
            .limit(1)
        )

    def _last_resolved(self, rule_id: str) -> datetime | None:
        return self.session.scalar(
            select(func.max(Alert.resolved_at)).where(Alert.rule_id == rule_id, Alert.state == RESOLVED)
        )

    def evaluate(self) -> EvaluationResult:
        now = self.clock.now()
        transitions: list[Transition] = []
        read_errors = evaluated = notifying = 0
        for rule in self.session.scalars(select(AlertRule).order_by(AlertRule.name)):
            alert = self._open_alert(rule.id)
            if not rule.enabled:
                if alert is not None:
                    to = RESOLVED if alert.state == FIRING else OK
                    transitions.append(_apply(self.session, alert, rule, to, now, "rule disabled"))
                continue
            if rule.metric not in catalog.CATALOGUE:
                read_errors += 1
                logger.warning(
                    "alert rule watches an unknown metric", extra={"rule": rule.name, "metric": rule.metric}
                )
                continue
            query = MetricQuery(rule.metric, rule.statistic, rule.period_seconds, dict(rule.dimensions or {}))
            try:
                with span("alerts.metric", metric=rule.metric, rule=rule.name):
                    value = self.source.value(query, now)
            except FoodSaveError as exc:
                read_errors += 1
                logger.warning("alert metric unavailable", extra={"rule": rule.name, "error": exc.detail})
                continue
            evaluated += 1
            breaching = value is not None and compare(value, rule.operator, rule.threshold)
            last_resolved = self._last_resolved(rule.id)
            in_cooldown = last_resolved is not None and now < last_resolved + timedelta(
                seconds=rule.cooldown_seconds
            )
            state = alert.state if alert is not None else OK
            held = (now - alert.started_at).total_seconds() if alert is not None else 0.0
            path = next_states(
                state,
                breaching,
                held_seconds=held,
                duration_seconds=rule.duration_seconds,
                in_cooldown=in_cooldown,
            )
            if alert is None and path:
                alert = Alert(rule_id=rule.id, state=OK, value=value, started_at=now)
                self.session.add(alert)
                self.session.flush()
            if alert is not None and breaching:
                alert.value = value
            for to in path:
                assert alert is not None
                note = "cooldown: waiting before firing again" if to == PENDING and in_cooldown else None
                transitions.append(_apply(self.session, alert, rule, to, now, note))
            if alert is not None and alert.state == FIRING and alert.acknowledged_by is None:
                notifying += 1
                logger.warning(
                    "operational alert firing",
                    extra={
                        "rule": rule.name,
                        "severity": rule.severity,
                        "value": value,
                        "threshold": rule.threshold,
                    },
                )
        self.session.flush()
        return EvaluationResult(transitions, evaluated, read_errors, notifying)


class AlertService:
    """What operators do with alerts: list the active ones, read history, acknowledge, resolve."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def active(self) -> Sequence[tuple[Alert, AlertRule]]:
        rows = self.session.execute(
            select(Alert, AlertRule)
            .join(AlertRule, AlertRule.id == Alert.rule_id)
            .where(Alert.state.in_(OPEN_STATES))
            .order_by(Alert.started_at.desc())
        ).all()
        return [(a, r) for a, r in rows]

    def history(self, hours: float) -> Sequence[tuple[AlertHistory, str | None]]:
        since = self.clock.now() - timedelta(hours=hours)
        rows = self.session.execute(
            select(AlertHistory, AlertRule.name)
            .outerjoin(AlertRule, AlertRule.id == AlertHistory.rule_id)
            .where(AlertHistory.at >= since)
            .order_by(AlertHistory.at.desc(), AlertHistory.id)
        ).all()
        return [(h, name) for h, name in rows]

    def _get(self, alert_id: str) -> tuple[Alert, AlertRule]:
        alert = self.session.get(Alert, alert_id)
        if alert is None:
            raise NotFound(f"alert {alert_id} not found")
        rule = self.session.get(AlertRule, alert.rule_id)
        assert rule is not None
        return alert, rule

    def acknowledge(self, alert_id: str, by: str) -> tuple[Alert, AlertRule]:
        alert, rule = self._get(alert_id)
        if alert.state not in OPEN_STATES:
            raise Conflict(
                f"alert {alert_id} is {alert.state}; only pending or firing alerts can be acknowledged"
            )
        if alert.acknowledged_by is None:
            now = self.clock.now()
            alert.acknowledged_by = by
            alert.acknowledged_at = now
            _history(self.session, alert, rule, alert.state, alert.state, now, f"acknowledged by {by}")
        return alert, rule

    def resolve(self, alert_id: str, by: str) -> tuple[Alert, AlertRule]:
        alert, rule = self._get(alert_id)
        if alert.state not in OPEN_STATES:
            raise Conflict(f"alert {alert_id} is already {alert.state}")
        _apply(self.session, alert, rule, RESOLVED, self.clock.now(), f"resolved by {by}")
        return alert, rule
