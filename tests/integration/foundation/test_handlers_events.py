"""The Lambda handlers answer real-shaped events: API Gateway HTTP API v2 and EventBridge schedules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.handlers import load_handler

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events"


def _event(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def ctx():
    return LocalLambdaContext(function_name="foodsave-test")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_agent_chat_serves_the_jwt_subject_from_an_http_api_event(services, ctx):
    handler = load_handler("agent-chat")
    created = handler(_event("apigw_v2_post_pantry.json"), ctx)
    assert created["statusCode"] == 201, created
    listed = handler(_event("apigw_v2_get_pantry.json"), ctx)
    assert listed["statusCode"] == 200
    body = json.loads(listed["body"])
    assert [i["name"] for i in body["items"]] == ["Jogurt naturalny 400g"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_agent_chat_refuses_an_event_without_authorizer_claims(services, ctx):
    resp = load_handler("agent-chat")(_event("apigw_v2_unauthenticated.json"), ctx)
    assert resp["statusCode"] == 401
    assert resp["headers"]["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dev_tokens_never_work_behind_api_gateway(services, ctx):
    services.settings = services.settings.model_copy(update={"env": "aws"})
    event = _event("apigw_v2_unauthenticated.json")
    event["headers"]["authorization"] = "Bearer dev-anna"
    assert load_handler("agent-chat")(event, ctx)["statusCode"] == 401


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_alert_evaluator_runs_on_a_scheduled_event(services, ctx):
    result = load_handler("alert-evaluator")(_event("eventbridge_scheduled.json"), ctx)
    assert "outbox_published" in result


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_alert_evaluator_serves_health_over_http(services, ctx):
    event = _event("apigw_v2_unauthenticated.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/health"
    resp = load_handler("alert-evaluator")(event, ctx)
    assert resp["statusCode"] == 200
