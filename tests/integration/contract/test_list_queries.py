"""`?q=` (accent-insensitive), `?sort=` and `?order=` on list routes, and paging of every list."""

from __future__ import annotations

import pytest


def _add(client, auth, name, **extra):
    resp = client.post("/v1/pantry/items", json={"name": name, **extra}, headers=auth())
    assert resp.status_code == 201, resp.text


def _names(resp):
    assert resp.status_code == 200, resp.text
    return [i["name"] for i in resp.json()["items"]]


@pytest.mark.parametrize("q", ["masło", "maslo", "MASŁO", "MasLo"])
def test_pantry_q_matches_names_ignoring_case_and_polish_accents(client, auth, q):
    for name in ("Masło extra", "Mleko", "MASŁO ORZECHOWE"):
        _add(client, auth, name)
    assert sorted(_names(client.get("/v1/pantry/items", params={"q": q}, headers=auth()))) == [
        "MASŁO ORZECHOWE",
        "Masło extra",
    ]


def test_pantry_q_treats_percent_and_underscore_literally(client, auth):
    _add(client, auth, "Mleko 3_2")
    _add(client, auth, "Mleko 332")
    assert _names(client.get("/v1/pantry/items", params={"q": "3_2"}, headers=auth())) == ["Mleko 3_2"]
    assert _names(client.get("/v1/pantry/items", params={"q": "%"}, headers=auth())) == []


def test_pantry_sorts_by_name_in_either_order(client, auth):
    for name in ("Chleb", "Awokado", "Banan"):
        _add(client, auth, name)
    asc = _names(client.get("/v1/pantry/items?sort=name", headers=auth()))
    desc = _names(client.get("/v1/pantry/items?sort=name&order=desc", headers=auth()))
    assert asc == ["Awokado", "Banan", "Chleb"]
    assert desc == ["Chleb", "Banan", "Awokado"]


def test_pantry_items_without_expiry_come_last_in_either_order(client, auth):
    _add(client, auth, "Sól")
    _add(client, auth, "Jogurt", expires_at="2030-01-02")
    _add(client, auth, "Kefir", expires_at="2030-01-05")
    desc = _names(client.get("/v1/pantry/items?sort=expires_at&order=desc", headers=auth()))
    assert desc == ["Kefir", "Jogurt", "Sól"]


def test_unknown_sort_key_is_422(client, auth):
    resp = client.get("/v1/pantry/items?sort=colour", headers=auth())
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["loc"] == ["query", "sort"]


def test_shopping_list_q_matches_without_accents(client, auth):
    for name in ("Żurek", "ziemniaki"):
        client.post("/v1/shopping-list", json={"name": name}, headers=auth())
    assert _names(client.get("/v1/shopping-list", params={"q": "zurek"}, headers=auth())) == ["Żurek"]


def test_shopping_list_sorts_by_name_ignoring_case_and_accents(client, auth):
    for name in ("ćwikła", "Dynia", "cebula"):
        client.post("/v1/shopping-list", json={"name": name}, headers=auth())
    by_name = _names(client.get("/v1/shopping-list?sort=name", headers=auth()))
    assert by_name == ["cebula", "ćwikła", "Dynia"]


def _document(client, auth, title):
    files = {"file": (f"{title}.txt", f"Notatka {title} o przechowywaniu jedzenia.".encode(), "text/plain")}
    resp = client.post("/v1/documents", files=files, data={"title": title}, headers=auth())
    assert resp.status_code == 201, resp.text
    return resp


def test_documents_are_paged_with_a_total(client, auth):
    for title in ("Notatki A", "Notatki B", "Notatki C"):
        _document(client, auth, title)
    page = client.get("/v1/documents?limit=2&sort=title&order=asc", headers=auth()).json()
    assert [d["title"] for d in page["items"]] == ["Notatki A", "Notatki B"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    rest = client.get("/v1/documents?limit=2&offset=2&sort=title&order=asc", headers=auth()).json()
    assert [d["title"] for d in rest["items"]] == ["Notatki C"]


def test_documents_q_matches_titles_without_accents(client, auth):
    _document(client, auth, "Przechowywanie mięsa")
    _document(client, auth, "Warzywa")
    titles = [d["title"] for d in client.get("/v1/documents?q=miesa", headers=auth()).json()["items"]]
    assert titles == ["Przechowywanie mięsa"]


def test_created_document_has_a_location(client, auth):
    resp = _document(client, auth, "Lokalizacja")
    assert resp.headers["location"] == f"/v1/documents/{resp.json()['document']['id']}"


def test_deleting_a_document_answers_202_with_its_json_body(client, auth):
    doc = _document(client, auth, "Do usunięcia").json()["document"]
    resp = client.delete(f"/v1/documents/{doc['id']}", headers=auth())
    assert resp.status_code == 202
    assert resp.json() == {"id": doc["id"], "status": "deleted", "index_update": "queued"}


def test_conversations_q_matches_titles_without_accents(client, auth):
    for message in ("co mam w lodówce?", "dodaj 3 jajka do listy zakupów"):
        assert client.post("/v1/chat", json={"message": message}, headers=auth()).status_code == 200
    page = client.get("/v1/conversations", params={"q": "lodowce"}, headers=auth()).json()
    assert [c["title"] for c in page["items"]] == ["co mam w lodówce?"]
    assert page["total"] == 1
