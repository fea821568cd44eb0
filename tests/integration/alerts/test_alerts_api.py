"""Operator routes under /v1/alerts on the merged local app: access, rule CRUD with validation, active alerts,
acknowledge, resolve and history."""

from __future__ import annotations

import pytest

from foodsave.alerts.schedule import run_scheduled

PROBLEM = "application/problem+json"
OPS = "ops-ala"
RULE = {
    "name": "chat-errors",
    "metric": "ErrorRate",
    "statistic": "Sum",
    "period_seconds": 300,
    "operator": ">",
    "threshold": 5,
    "duration_seconds": 0,
    "severity": "critical",
    "cooldown_seconds": 600,
    "enabled": True,
    "dimensions": {"function": "agent-chat"},
}


def test_alert_routes_need_a_signed_in_operator(client, auth):
    assert client.get("/v1/alerts").status_code == 401
    forbidden = client.get("/v1/alerts/rules", headers=auth("anna"))
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith(PROBLEM)
    assert client.get("/v1/alerts/rules", headers=auth(OPS)).status_code == 200


def test_rule_can_be_created_read_replaced_and_deleted(client, auth):
    created = client.post("/v1/alerts/rules", json=RULE, headers=auth(OPS))
    assert created.status_code == 201, created.text
    url = f"/v1/alerts/rules/{created.json()['id']}"
    assert client.get(url, headers=auth(OPS)).json()["dimensions"] == {"function": "agent-chat"}
    replaced = client.put(url, json={**RULE, "threshold": 10, "enabled": False}, headers=auth(OPS))
    assert (replaced.json()["threshold"], replaced.json()["enabled"]) == (10, False)
    names = [r["name"] for r in client.get("/v1/alerts/rules", headers=auth(OPS)).json()["items"]]
    assert names == ["chat-errors"]
    assert client.delete(url, headers=auth(OPS)).status_code == 204
    assert client.get(url, headers=auth(OPS)).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"metric": "Vibes"},
        {"operator": "!="},
        {"cooldown_seconds": -5},
        {"statistic": "p99"},
        {"threshold": "high"},
    ],
)
def test_invalid_rule_changes_are_422_problems(client, auth, change):
    resp = client.post("/v1/alerts/rules", json={**RULE, **change}, headers=auth(OPS))
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith(PROBLEM)
    created = client.post("/v1/alerts/rules", json=RULE, headers=auth(OPS)).json()
    put = client.put(f"/v1/alerts/rules/{created['id']}", json={**RULE, **change}, headers=auth(OPS))
    assert put.status_code == 422


def test_duplicate_rule_name_is_a_conflict(client, auth):
    client.post("/v1/alerts/rules", json=RULE, headers=auth(OPS))
    assert client.post("/v1/alerts/rules", json=RULE, headers=auth(OPS)).status_code == 409


def _firing_alert(client, auth, services, points):
    client.post("/v1/alerts/rules", json=RULE, headers=auth(OPS))
    points("Requests", [1] * 10, function="agent-chat")
    points("Errors", [1] * 5 + [0] * 5, function="agent-chat")
    run_scheduled(services)
    items = client.get("/v1/alerts", headers=auth(OPS)).json()["items"]
    (alert,) = [a for a in items if a["rule"] == "chat-errors"]
    return alert


def test_firing_alert_is_listed_acknowledged_and_resolved(client, auth, services, points, clock):
    alert = _firing_alert(client, auth, services, points)
    assert (alert["rule"], alert["state"], alert["value"]) == ("chat-errors", "firing", 50.0)
    acked = client.post(f"/v1/alerts/{alert['id']}/acknowledge", headers=auth(OPS)).json()
    assert (acked["state"], acked["acknowledged_by"]) == ("firing", "dev:ops-ala")
    clock.advance(minutes=1)
    resolved = client.post(f"/v1/alerts/{alert['id']}/resolve", headers=auth(OPS))
    assert resolved.json()["state"] == "resolved"
    active = client.get("/v1/alerts", headers=auth(OPS)).json()["items"]
    assert alert["id"] not in [a["id"] for a in active]
    assert client.post(f"/v1/alerts/{alert['id']}/resolve", headers=auth(OPS)).status_code == 409
    assert client.post(f"/v1/alerts/{alert['id']}/acknowledge", headers=auth(OPS)).status_code == 409


def test_history_lists_transitions_within_the_asked_hours(client, auth, services, points, clock):
    _firing_alert(client, auth, services, points)

    def transitions(hours):
        items = client.get(f"/v1/alerts/history?hours={hours}", headers=auth(OPS)).json()["items"]
        return sorted((h["from_state"], h["to_state"]) for h in items if h["rule"] == "chat-errors")

    assert transitions(1) == [("ok", "pending"), ("pending", "firing")]
    clock.advance(hours=2)
    assert transitions(1) == []
    assert transitions(3) == [("ok", "pending"), ("pending", "firing")]
    assert client.get("/v1/alerts/history?hours=0", headers=auth(OPS)).status_code == 422


def test_unknown_alert_is_404(client, auth):
    assert client.post("/v1/alerts/nope/acknowledge", headers=auth(OPS)).status_code == 404


def test_operators_group_claim_opens_the_routes_behind_api_gateway(services):
    from foodsave.runtime.context import LocalLambdaContext
    from foodsave.runtime.events import http_api_request
    from foodsave.runtime.handlers import load_handler

    handler = load_handler("alert-evaluator")
    ctx = LocalLambdaContext(function_name="foodsave-alert-evaluator")
    services.settings = services.settings.model_copy(update={"env": "aws"})
    plain = http_api_request("GET", "/v1/alerts/rules", sub="sub-anna")
    assert handler(plain, ctx)["statusCode"] == 403
    operator = http_api_request("GET", "/v1/alerts/rules", sub="sub-ola")
    operator["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:groups"] = "[operators]"
    assert handler(operator, ctx)["statusCode"] == 200
