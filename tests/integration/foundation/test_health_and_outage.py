"""Liveness, readiness, and what the API says when the database is gone."""

from __future__ import annotations

import pytest

OPERATOR = {"Authorization": "Bearer dev-ops-status"}  # /v1/status details are for operators


def test_health_is_cheap_and_needs_no_user(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


def test_status_reports_database_round_trip(client):
    body = client.get("/v1/status", headers=OPERATOR).json()
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["database"]["latency_ms"] >= 0
    assert body["components"]["object_store"]["status"] == "ok"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_database_down_gives_503_and_recovers_without_restart(client, auth, pg_cluster):
    assert client.post("/v1/pantry/items", json={"name": "Jogurt"}, headers=auth()).status_code == 201
    pg_cluster.pause()
    try:
        resp = client.post("/v1/pantry/items", json={"name": "Kefir"}, headers=auth())
        assert resp.status_code == 503
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert "Traceback" not in resp.text
        status = client.get("/v1/status", headers=OPERATOR)
        assert status.status_code == 503
        assert status.json()["components"]["database"]["status"] == "down"
    finally:
        pg_cluster.resume()
    names = [i["name"] for i in client.get("/v1/pantry/items", headers=auth()).json()["items"]]
    assert names == ["Jogurt"]  # nothing half-written by the failed request


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer dev-anna"}], ids=["anonymous", "user"])
def test_status_shows_only_the_overall_state_to_non_operators(client, headers):
    resp = client.get("/v1/status", headers=headers)
    assert resp.status_code == 200
    assert set(resp.json()) == {"status", "version"}
