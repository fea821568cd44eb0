"""Operational alert rules: the validated rule shape, comparison operators, the default rules
(seeded once), and create/read/update/delete of rules."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foodsave.alerts import catalog
from foodsave.db.models import AlertRule, ProcessedMessage
from foodsave.errors import Conflict, NotFound

Operator = Literal[">", ">=", "<", "<=", "=="]
Severity = Literal["info", "warning", "critical"]
OPERATORS: tuple[str, ...] = (">", ">=", "<", "<=", "==")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")
SEED_KEY = "alerts:default-rules:v1"


def compare(value: float, operator: str, threshold: float) -> bool:
    """Whether `value operator threshold` holds; NaN never breaches. `==` is exact on purpose."""
    if math.isnan(value) or math.isnan(threshold):
        return False
    if operator == ">":
        return value > threshold
    if operator == ">=":
        return value >= threshold
    if operator == "<":
        return value < threshold
    if operator == "<=":
        return value <= threshold
    if operator == "==":
        return value == threshold
    raise ValueError(f"unknown operator {operator!r}")


class AlertRuleIn(BaseModel):
    """A rule as operators write it; every field is checked against the metric catalogue."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "chat-errors",
                    "metric": "ErrorRate",
                    "operator": ">",
                    "threshold": 5,
                    "severity": "critical",
                    "dimensions": {"function": "agent-chat"},
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=100)
    metric: str
    statistic: str = "Sum"
    period_seconds: int = Field(default=300, ge=60, le=86400)
    operator: Operator
    threshold: float = Field(allow_inf_nan=False)
    duration_seconds: int = Field(default=0, ge=0, le=7 * 86400)
    severity: Severity = "warning"
    cooldown_seconds: int = Field(default=900, ge=0, le=7 * 86400)
    enabled: bool = True
    dimensions: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not _NAME.match(value):
            raise ValueError(
                "name: letters, digits, space, '.', '_' and '-' (starting with a letter or digit)"
            )
        return value

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        if value not in catalog.CATALOGUE:
            raise ValueError(f"unknown metric {value!r}; known: {', '.join(sorted(catalog.CATALOGUE))}")
        return value

    @field_validator("period_seconds")
    @classmethod
    def _period(cls, value: int) -> int:
        if value % 60:
            raise ValueError("period_seconds must be a multiple of 60 (CloudWatch periods)")
        return value

    @model_validator(mode="after")
    def _fits_metric(self) -> AlertRuleIn:
        metric = catalog.CATALOGUE[self.metric]
        if self.statistic not in metric.statistics:
            raise ValueError(
                f"statistic {self.statistic!r} is not available for {self.metric}; use one of {metric.statistics}"
            )
        unknown = set(self.dimensions) - set(metric.dimensions)
        if unknown:
            raise ValueError(
                f"{self.metric} has no dimension {sorted(unknown)}; allowed: {metric.dimensions}"
            )
        function = self.dimensions.get("function")
        if function is not None and function not in catalog.FUNCTIONS:
            raise ValueError(f"unknown function {function!r}; known: {catalog.FUNCTIONS}")
        return self


class AlertRuleOut(BaseModel):
    """A stored rule as read back (not re-validated, so an old rule never breaks the listing)."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    metric: str
    statistic: str
    period_seconds: int
    operator: str
    threshold: float
    duration_seconds: int
    severity: str
    cooldown_seconds: int
    enabled: bool
    dimensions: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime

    @field_validator("dimensions", mode="before")
    @classmethod
    def _dims(cls, value: Any) -> Any:
        return value or {}


def default_rules() -> list[AlertRuleIn]:
    """The rules matching the system's own health (the same signals the CDK alarms watch)."""
    rules = [
        AlertRuleIn(
            name=f"error-rate-{fn}",
            metric=catalog.ERROR_RATE,
            statistic="Sum",
            period_seconds=300,
            operator=">",
            threshold=5.0,
            severity="critical",
            dimensions={"function": fn},
        )
        for fn in catalog.FUNCTIONS
    ]
    rules += [
        AlertRuleIn(
            name=f"latency-p95-{fn}",
            metric=catalog.LATENCY_MS,
            statistic="p95",
            period_seconds=300,
            operator=">",
            threshold=2000.0,
            severity="warning",
            dimensions={"function": fn},
        )
        for fn in catalog.API_FUNCTIONS
    ]
    rules += [
        AlertRuleIn(
            name="ocr-failure-rate",
            metric=catalog.OCR_FAILURE_RATE,
            statistic="Sum",
            period_seconds=900,
            operator=">",
            threshold=20.0,
            severity="warning",
        ),
        AlertRuleIn(
            name="index-dlq-not-empty",
            metric=catalog.DLQ_DEPTH,
            statistic="Maximum",
            period_seconds=300,
            operator=">",
            threshold=0.0,
            severity="critical",
        ),
        AlertRuleIn(
            name="index-stale",
            metric=catalog.INDEX_AGE_SECONDS,
            statistic="Maximum",
            period_seconds=300,
            operator=">",
            threshold=float(catalog.INDEX_REBUILD_INTERVAL_SECONDS),
            severity="warning",
        ),
        AlertRuleIn(
            name="lambda-throttles",
            metric=catalog.LAMBDA_THROTTLES,
            statistic="Sum",
            period_seconds=300,
            operator=">",
            threshold=0.0,
            severity="warning",
        ),
    ]
    return rules


def seed_default_rules(session: Session) -> int:
    """Add the default rules once per database; later edits or deletions by operators are kept.

    A marker in processed_messages records the seeding, so a deleted default does not come back.
    Returns how many rules were added (0 on every run after the first).
    """
    if session.get(ProcessedMessage, SEED_KEY) is not None:
        return 0
    existing = set(session.scalars(select(AlertRule.name)))
    added = 0
    try:
        with session.begin_nested():
            for rule in default_rules():
                if rule.name not in existing:
                    session.add(_row(rule))
                    added += 1
            session.add(ProcessedMessage(key=SEED_KEY, consumer="alert-rules"))
            session.flush()
    except IntegrityError:  # a concurrent run seeded first
        return 0
    return added


def _row(rule: AlertRuleIn, row: AlertRule | None = None) -> AlertRule:
    row = row or AlertRule()
    for key, value in rule.model_dump().items():
        setattr(row, key, value if key != "dimensions" else (value or None))
    return row


class RuleService:
    """Rules are global (operators' configuration), not per user."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> Sequence[AlertRule]:
        return self.session.scalars(select(AlertRule).order_by(AlertRule.name)).all()

    def get(self, rule_id: str) -> AlertRule:
        rule = self.session.get(AlertRule, rule_id)
        if rule is None:
            raise NotFound(f"alert rule {rule_id} not found")
        return rule

    def _unique(self, name: str, rule_id: str | None = None) -> None:
        clash = self.session.scalar(select(AlertRule).where(AlertRule.name == name))
        if clash is not None and clash.id != rule_id:
            raise Conflict(f"an alert rule named {name!r} already exists")

    def create(self, data: AlertRuleIn) -> AlertRule:
        self._unique(data.name)
        row = _row(data)
        self.session.add(row)
        self.session.flush()
        return row

    def replace(self, rule_id: str, data: AlertRuleIn) -> AlertRule:
        row = self.get(rule_id)
        self._unique(data.name, rule_id)
        _row(data, row)
        self.session.flush()
        return row

    def delete(self, rule_id: str) -> None:
        self.session.delete(self.get(rule_id))
        self.session.flush()
