"""Pantry routes added for the kitchen: consume, discard, expiring, stats (SQLite and PostgreSQL)."""

from __future__ import annotations

PROBLEM = "application/problem+json"
# The services fixture freezes the clock at 2025-01-15 09:00 UTC.


def _add(client, auth, name="Mleko 3,2% 1L", user="anna", **extra):
    body = {"name": name, "quantity": "2", "price": "6.00", "expires_at": "2025-01-16", **extra}
    resp = client.post("/v1/pantry/items", json=body, headers=auth(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_consume_part_then_the_rest(client, auth):
    item = _add(client, auth)
    url = f"/v1/pantry/items/{item['id']}/consume"
    half = client.post(url, json={"quantity": "0.5"}, headers=auth())
    assert half.status_code == 200
    assert (half.json()["quantity"], half.json()["status"]) == ("1.5", "active")
    rest = client.post(url, headers=auth())
    assert rest.json()["status"] == "consumed"
    again = client.post(url, headers=auth())
    assert again.status_code == 409
    assert again.headers["content-type"].startswith(PROBLEM)


def test_discard_counts_as_waste_in_stats(client, auth):
    item = _add(client, auth, price="4.99")
    assert (
        client.post(f"/v1/pantry/items/{item['id']}/discard", headers=auth()).json()["status"] == "discarded"
    )
    stats = client.get("/v1/pantry/stats", headers=auth()).json()
    assert stats["wasted"] == "4.99"
    assert stats["counts"]["discarded"] == 1
    assert stats["until"] == "2025-01-15"


def test_consume_and_discard_of_another_users_item_are_404(client, auth):
    item = _add(client, auth, user="anna")
    for action in ("consume", "discard"):
        resp = client.post(f"/v1/pantry/items/{item['id']}/{action}", headers=auth("bob"))
        assert resp.status_code == 404
        assert resp.headers["content-type"].startswith(PROBLEM)
    assert client.get(f"/v1/pantry/items/{item['id']}", headers=auth("anna")).json()["status"] == "active"


def test_bad_quantities_are_422(client, auth):
    item = _add(client, auth)
    for body in ({"quantity": "0"}, {"quantity": "-1"}, {"quantity": "lots"}, {"amount": "1"}):
        resp = client.post(f"/v1/pantry/items/{item['id']}/consume", json=body, headers=auth())
        assert resp.status_code == 422, body


def test_expiring_lists_the_window_soonest_first_with_pagination(client, auth):
    for name, day in (
        ("d20", "2025-01-20"),
        ("d16", "2025-01-16"),
        ("d14", "2025-01-14"),
        ("f", "2025-03-01"),
    ):
        _add(client, auth, name=name, expires_at=day)
    page = client.get("/v1/pantry/expiring?days=5&limit=2", headers=auth()).json()
    assert [i["name"] for i in page["items"]] == ["d14", "d16"]
    assert page["total"] == 3
    rest = client.get("/v1/pantry/expiring?days=5&limit=2&offset=2", headers=auth()).json()
    assert [i["name"] for i in rest["items"]] == ["d20"]
    assert client.get("/v1/pantry/expiring?days=5", headers=auth("bob")).json()["total"] == 0


def test_expiring_days_must_be_between_1_and_30(client, auth):
    for days in (0, 31, "x"):
        resp = client.get(f"/v1/pantry/expiring?days={days}", headers=auth())
        assert resp.status_code == 422
        assert resp.headers["content-type"].startswith(PROBLEM)


def test_stats_since_limits_the_period_and_money_is_exact(client, auth):
    _add(client, auth, name="old", price="10.00", purchased_at="2024-12-01")
    new = _add(client, auth, name="new", price="3.33", purchased_at="2025-01-10")
    client.post(f"/v1/pantry/items/{new['id']}/consume", json={"quantity": "1"}, headers=auth())
    stats = client.get("/v1/pantry/stats?since=2025-01-01", headers=auth()).json()
    assert (stats["spent"], stats["eaten"], stats["in_pantry"]) == ("3.33", "1.67", "1.66")
    assert stats["counts"]["active"] == 1
    assert client.get("/v1/pantry/stats", headers=auth()).json()["spent"] == "13.33"


def test_new_pantry_routes_need_a_user(client):
    item_url = "/v1/pantry/items/x/consume"
    for method, url in (("post", item_url), ("get", "/v1/pantry/expiring"), ("get", "/v1/pantry/stats")):
        assert getattr(client, method)(url).status_code == 401
