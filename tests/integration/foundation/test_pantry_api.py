"""Pantry CRUD over HTTP, on SQLite and PostgreSQL: the foundation's contract with the mobile app."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def _add(client, auth, name="Mleko 3,2% 1L", user="anna", **extra):
    body = {
        "name": name,
        "quantity": "2",
        "unit": "szt",
        "price": "3.49",
        "expires_at": "2030-01-05",
        **extra,
    }
    resp = client.post("/v1/pantry/items", json=body, headers=auth(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_created_item_is_listed_with_exact_money_and_quantity(client, auth):
    created = _add(client, auth)
    listing = client.get("/v1/pantry/items", headers=auth()).json()
    assert listing["total"] == 1
    item = listing["items"][0]
    assert item["id"] == created["id"]
    assert item["price"] == "3.49"
    assert item["quantity"] == "2" == created["quantity"]
    assert item["status"] == "active"


def test_item_can_be_read_updated_and_deleted(client, auth):
    item = _add(client, auth)
    url = f"/v1/pantry/items/{item['id']}"
    assert client.get(url, headers=auth()).json()["name"] == "Mleko 3,2% 1L"
    patched = client.patch(url, json={"quantity": "0.535", "unit": "kg", "name": "Ser Gouda"}, headers=auth())
    assert patched.status_code == 200
    assert patched.json()["quantity"] == "0.535"
    assert patched.json()["normalized_name"] == "ser gouda"
    assert client.delete(url, headers=auth()).status_code == 204
    assert client.get(url, headers=auth()).status_code == 404


def test_listing_is_sorted_by_expiry_and_paginated(client, auth):
    for day in (9, 3, 6):
        _add(client, auth, name=f"item {day}", expires_at=f"2030-01-0{day}")
    page = client.get("/v1/pantry/items?limit=2", headers=auth()).json()
    assert [i["name"] for i in page["items"]] == ["item 3", "item 6"]
    assert page["total"] == 3
    rest = client.get("/v1/pantry/items?limit=2&offset=2", headers=auth()).json()
    assert [i["name"] for i in rest["items"]] == ["item 9"]


def test_another_users_item_answers_404_for_every_verb(client, auth):
    item = _add(client, auth, user="anna")
    url = f"/v1/pantry/items/{item['id']}"
    for method, kwargs in (("get", {}), ("patch", {"json": {"quantity": "1"}}), ("delete", {})):
        resp = getattr(client, method)(url, headers=auth("bob"), **kwargs)
        assert resp.status_code == 404, method
        assert resp.headers["content-type"].startswith(PROBLEM)
    assert client.get("/v1/pantry/items", headers=auth("bob")).json()["total"] == 0
    assert client.get(url, headers=auth("anna")).status_code == 200


def test_request_without_user_is_401_problem(client):
    resp = client.get("/v1/pantry/items")
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith(PROBLEM)
    assert resp.json()["status"] == 401


def test_wrong_types_are_422_problems_and_bad_json_is_400(client, auth):
    bad_json = client.post(
        "/v1/pantry/items", content=b"{not json", headers={**auth(), "content-type": "application/json"}
    )
    wrong_type = client.post("/v1/pantry/items", json={"name": "x", "quantity": "many"}, headers=auth())
    negative = client.post("/v1/pantry/items", json={"name": "x", "price": "-1"}, headers=auth())
    for resp, status in ((bad_json, 400), (wrong_type, 422), (negative, 422)):
        assert resp.status_code == status
        body = resp.json()
        assert resp.headers["content-type"].startswith(PROBLEM)
        assert {"type", "title", "status", "detail"} <= body.keys()
        assert "Traceback" not in resp.text


def test_unknown_route_and_method_are_problems(client, auth):
    assert client.get("/v1/nothing-here", headers=auth()).status_code == 404
    resp = client.put("/v1/pantry/items", json={}, headers=auth())
    assert resp.status_code == 405
    assert resp.headers["content-type"].startswith(PROBLEM)


def test_dev_tokens_are_refused_when_dev_auth_is_off(client, services, auth):
    services.settings = services.settings.model_copy(update={"dev_auth": False})
    assert client.get("/v1/pantry/items", headers=auth()).status_code == 401
