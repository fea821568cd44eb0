"""Pantry stats keep the value of food past its date apart from what is safely in the pantry."""

from __future__ import annotations


def _add(client, auth, name, price, expires_at):
    body = {
        "name": name,
        "quantity": "1",
        "price": price,
        "expires_at": expires_at,
        "purchased_at": "2025-01-10",
    }
    resp = client.post("/v1/pantry/items", json=body, headers=auth("anna"))
    assert resp.status_code == 201, resp.text


def test_food_past_its_date_is_valued_apart_and_not_as_saved(client, auth):
    # The services fixture freezes the clock at 2025-01-15.
    _add(client, auth, "Kefir", "3.50", "2025-01-12")
    _add(client, auth, "Ryż", "6.00", "2025-12-01")
    stats = client.get("/v1/pantry/stats", headers=auth("anna")).json()
    assert (stats["in_pantry"], stats["past_date"], stats["counts"]["expired"]) == ("9.50", "3.50", 1)
