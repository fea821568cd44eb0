"""Operator routes: active alerts, their history, acknowledge/resolve, and alert rule CRUD under `/v1/alerts`.

Only operators get in (Cognito group `operators`; locally dev users `ops-*`), everyone else gets 403.
Importing this module also adds the index, queue, OCR and LLM parts to `/v1/status`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from foodsave.alerts import status as alert_status
from foodsave.alerts.evaluator import AlertService
from foodsave.alerts.operators import OperatorRequired, is_operator
from foodsave.alerts.rules import AlertRuleIn, AlertRuleOut, RuleService
from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep, claims_of
from foodsave.api.route_table import RouteTable
from foodsave.api.routers.health import register_status_check
from foodsave.db.models import Alert, AlertRule, User
from foodsave.vectors.health import embedder_status

router = RouteTable(prefix="/v1/alerts", tags=["alerts"])
ERRORS: dict[int | str, dict[str, Any]] = {403: {"description": "Not an operator"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {**ERRORS, 404: {"description": "No such alert or rule"}}
CONFLICT: dict[int | str, dict[str, Any]] = {**NOT_FOUND, 409: {"description": "Not possible in this state"}}

register_status_check("index", alert_status.index_status, required=False)
register_status_check("queue", alert_status.queue_status, required=False)
register_status_check("ocr", alert_status.ocr_status, required=False)
register_status_check("llm", alert_status.llm_status, required=False)
register_status_check("embedder", embedder_status, required=False)


def operator_dep(request: Request, user: CurrentUser, services: ServicesDep) -> User:
    if not is_operator(user.external_sub, claims_of(request), services.settings):
        raise OperatorRequired("Operational alerts are for operators (Cognito group 'operators').")
    return user


OperatorUser = Annotated[User, Depends(operator_dep)]


class AlertOut(BaseModel):
    id: str
    rule_id: str
    rule: str
    metric: str
    severity: str
    operator: str
    threshold: float
    state: str
    value: float | None
    started_at: datetime
    fired_at: datetime | None
    resolved_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None

    @classmethod
    def of(cls, alert: Alert, rule: AlertRule) -> AlertOut:
        return cls(
            id=alert.id,
            rule_id=rule.id,
            rule=rule.name,
            metric=rule.metric,
            severity=rule.severity,
            operator=rule.operator,
            threshold=rule.threshold,
            state=alert.state,
            value=alert.value,
            started_at=alert.started_at,
            fired_at=alert.fired_at,
            resolved_at=alert.resolved_at,
            acknowledged_by=alert.acknowledged_by,
            acknowledged_at=alert.acknowledged_at,
        )


class AlertList(BaseModel):
    items: list[AlertOut]


class HistoryEntry(BaseModel):
    id: str
    alert_id: str | None
    rule_id: str | None
    rule: str | None
    from_state: str
    to_state: str
    value: float | None
    note: str | None
    at: datetime


class HistoryList(BaseModel):
    hours: float
    items: list[HistoryEntry]


class RuleList(BaseModel):
    items: list[AlertRuleOut]


@router.get("", response_model=AlertList, responses=ERRORS, summary="Active (pending and firing) alerts")
def active_alerts(_: OperatorUser, session: SessionDep, services: ServicesDep) -> AlertList:
    return AlertList(items=[AlertOut.of(a, r) for a, r in AlertService(session, services.clock).active()])


@router.get(
    "/history", response_model=HistoryList, responses=ERRORS, summary="Alert state changes, newest first"
)
def alert_history(
    _: OperatorUser,
    session: SessionDep,
    services: ServicesDep,
    hours: Annotated[float, Query(gt=0, le=24 * 90)] = 24,
) -> HistoryList:
    rows = AlertService(session, services.clock).history(hours)
    return HistoryList(
        hours=hours,
        items=[
            HistoryEntry(
                id=h.id,
                alert_id=h.alert_id,
                rule_id=h.rule_id,
                rule=name,
                from_state=h.from_state,
                to_state=h.to_state,
                value=h.value,
                note=h.note,
                at=h.at,
            )
            for h, name in rows
        ],
    )


@router.get("/rules", response_model=RuleList, responses=ERRORS, summary="Alert rules")
def list_rules(_: OperatorUser, session: SessionDep) -> RuleList:
    return RuleList(items=[AlertRuleOut.model_validate(r) for r in RuleService(session).list()])


@router.post(
    "/rules",
    response_model=AlertRuleOut,
    status_code=201,
    responses={**ERRORS, 409: {"description": "A rule with this name exists"}},
    summary="Create an alert rule",
)
def create_rule(body: AlertRuleIn, _: OperatorUser, session: SessionDep) -> AlertRuleOut:
    return AlertRuleOut.model_validate(RuleService(session).create(body))


@router.get("/rules/{rule_id}", response_model=AlertRuleOut, responses=NOT_FOUND, summary="One alert rule")
def get_rule(rule_id: str, _: OperatorUser, session: SessionDep) -> AlertRuleOut:
    return AlertRuleOut.model_validate(RuleService(session).get(rule_id))


@router.put(
    "/rules/{rule_id}", response_model=AlertRuleOut, responses=CONFLICT, summary="Replace an alert rule"
)
def replace_rule(rule_id: str, body: AlertRuleIn, _: OperatorUser, session: SessionDep) -> AlertRuleOut:
    return AlertRuleOut.model_validate(RuleService(session).replace(rule_id, body))


@router.delete(
    "/rules/{rule_id}", status_code=204, responses=NOT_FOUND, summary="Delete a rule and its alerts"
)
def delete_rule(rule_id: str, _: OperatorUser, session: SessionDep) -> Response:
    RuleService(session).delete(rule_id)
    return Response(status_code=204)


@router.post(
    "/{alert_id}/acknowledge", response_model=AlertOut, responses=CONFLICT, summary="Silence an alert"
)
def acknowledge(alert_id: str, user: OperatorUser, session: SessionDep, services: ServicesDep) -> AlertOut:
    return AlertOut.of(*AlertService(session, services.clock).acknowledge(alert_id, user.external_sub))


@router.post(
    "/{alert_id}/resolve", response_model=AlertOut, responses=CONFLICT, summary="Resolve an alert by hand"
)
def resolve(alert_id: str, user: OperatorUser, session: SessionDep, services: ServicesDep) -> AlertOut:
    return AlertOut.of(*AlertService(session, services.clock).resolve(alert_id, user.external_sub))
