"""Accent-insensitive `?q=` and name sorting are SQL that must read the same on SQLite and PostgreSQL."""

from __future__ import annotations


def test_q_and_name_sort_agree_on_both_databases(client, auth):
    for name in ("ćwikła", "Masło extra", "MASŁO ORZECHOWE", "cebula"):
        assert client.post("/v1/pantry/items", json={"name": name}, headers=auth()).status_code == 201
    found = client.get("/v1/pantry/items", params={"q": "maslo", "sort": "name"}, headers=auth()).json()
    assert [i["name"] for i in found["items"]] == ["Masło extra", "MASŁO ORZECHOWE"]
    every = client.get("/v1/pantry/items", params={"sort": "name"}, headers=auth()).json()
    assert [i["name"] for i in every["items"]][:2] == ["cebula", "ćwikła"]
