"""The request metrics middleware records Requests, Errors and LatencyMs per function, and those series
drive the error-rate and p95 rules end to end through the local metrics store."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from foodsave.alerts.evaluator import AlertEvaluator
from foodsave.alerts.rules import seed_default_rules
from foodsave.api.apps import local_app
from foodsave.api.metrics_middleware import RequestMetricsMiddleware
from foodsave.api.problems import install_problem_handlers
from foodsave.db.models import MetricPoint
from foodsave.observability import _sinks, add_metric_sink

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def recorded(services):
    """The local runtime's sink: every metric becomes a metric_points row at the frozen clock's time."""
    samples = []

    def sink(name, value, unit, dimensions):
        samples.append((name, value, dimensions))
        with services.db.session() as session:
            session.add(
                MetricPoint(
                    name=name, value=value, unit=unit, dimensions=dimensions or None, at=services.clock.now()
                )
            )

    add_metric_sink(sink)
    try:
        yield samples
    finally:
        _sinks.remove(sink)


@pytest.fixture
def metered_client(services, recorded):
    app = local_app()  # the apps install the middleware themselves
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_each_request_records_requests_errors_and_latency_for_its_function(metered_client, auth, recorded):
    metered_client.get("/v1/pantry/items", headers=auth())
    metered_client.get("/health")
    by_function = {}
    for name, value, dims in recorded:
        if name in ("Requests", "Errors", "LatencyMs"):
            by_function.setdefault(dims["function"], []).append((name, value))
    assert [n for n, _ in by_function["agent-chat"]] == ["Requests", "Errors", "LatencyMs"]
    assert by_function["agent-chat"][1] == ("Errors", 0)
    assert by_function["agent-chat"][2][1] > 0
    assert [n for n, _ in by_function["alert-evaluator"]] == ["Requests", "Errors", "LatencyMs"]


def test_unknown_paths_belong_to_no_function(metered_client, recorded):
    metered_client.get("/v1/no-such-thing")
    assert [r for r in recorded if r[0] == "Requests"] == []


@pytest.fixture
def flaky_client(services, recorded):
    """A function with one healthy and one broken route, metered like the real apps."""
    router = APIRouter()

    @router.get("/ok")
    def ok() -> dict[str, bool]:
        return {"ok": True}

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaput")

    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    app.add_middleware(RequestMetricsMiddleware, function="vector-search")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_server_errors_count_as_errors_even_when_the_route_raises(flaky_client, recorded):
    assert flaky_client.get("/boom").status_code == 500
    assert ("Errors", 1, {"function": "vector-search"}) in recorded


def test_failing_requests_make_the_error_rate_rule_fire(flaky_client, services):
    with services.db.session() as session:
        seed_default_rules(session)
    for _ in range(9):
        flaky_client.get("/ok")
    flaky_client.get("/boom")
    services.clock.advance(seconds=1)
    with services.db.session() as session:
        result = AlertEvaluator(session, services.metrics_source, services.clock).evaluate()
    fired = [(t.rule, t.to_state, t.value) for t in result.transitions]
    assert fired == [
        ("error-rate-vector-search", "pending", 10.0),
        ("error-rate-vector-search", "firing", 10.0),
    ]
