"""GET /v1/notifications and POST /v1/notifications/{id}/read: the user's own notifications only."""

from __future__ import annotations

from foodsave.alerts.schedule import run_scheduled


def _seed(client, auth, services, user="anna", names=("Mleko", "Jajka", "Chleb")):
    for name in names:
        today = services.clock.now().date().isoformat()
        assert (
            client.post(
                "/v1/pantry/items", json={"name": name, "expires_at": today}, headers=auth(user)
            ).status_code
            == 201
        )
    run_scheduled(services)


def test_notifications_are_listed_newest_first_and_paginated(client, auth, services):
    _seed(client, auth, services)
    page = client.get("/v1/notifications?limit=2", headers=auth()).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    rest = client.get("/v1/notifications?limit=2&offset=2", headers=auth()).json()
    assert len(rest["items"]) == 1
    item = page["items"][0]
    assert item["kind"] == "expiring" and item["read_at"] is None
    assert {"item", "days_left", "recipes", "message"} <= item["payload"].keys()


def test_reading_a_notification_removes_it_from_the_unread_filter(client, auth, services):
    _seed(client, auth, services)
    first = client.get("/v1/notifications", headers=auth()).json()["items"][0]
    read = client.post(f"/v1/notifications/{first['id']}/read", headers=auth())
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = client.post(f"/v1/notifications/{first['id']}/read", headers=auth())
    assert again.json()["read_at"] == read.json()["read_at"]
    unread = client.get("/v1/notifications?unread=true", headers=auth()).json()
    assert unread["total"] == 2
    assert first["id"] not in [n["id"] for n in unread["items"]]


def test_another_users_notification_is_404_and_never_listed(client, auth, services):
    _seed(client, auth, services, names=("Mleko",))
    (mine,) = client.get("/v1/notifications", headers=auth("anna")).json()["items"]
    resp = client.post(f"/v1/notifications/{mine['id']}/read", headers=auth("bob"))
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/notifications", headers=auth("bob")).json()["total"] == 0
    assert client.get("/v1/notifications").status_code == 401
