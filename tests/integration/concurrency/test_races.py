"""Many callers at the same moment over real HTTP: no lost update, no duplicate line, no 500, on both databases."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tests.integration.concurrency.conftest import LiveServer, race

PRODUCTS = ("chleb", "masło", "jajka", "ser", "pomidory", "ogórki", "jabłka", "kawa")


def _add_item(live: LiveServer, **fields: object) -> dict:
    with live.client() as c:
        resp = c.post("/v1/pantry/items", json={"name": "Ser gouda", **fields})
        assert resp.status_code == 201, resp.text
        return resp.json()


def test_parallel_eating_never_eats_more_than_the_item_holds(live):
    item = _add_item(live, quantity="10", price="100.00", purchased_at="2026-11-01")
    url = f"/v1/pantry/items/{item['id']}/consume"

    answers = race(live, 20, lambda c, _: c.post(url, json={"quantity": "1"}))

    assert Counter(r.status_code for r in answers) == {200: 10, 409: 10}
    with live.client() as c:
        assert c.get(f"/v1/pantry/items/{item['id']}").json()["status"] == "consumed"
        stats = c.get("/v1/pantry/stats").json()
    assert (Decimal(stats["spent"]), Decimal(stats["eaten"]), Decimal(stats["in_pantry"])) == (
        Decimal("100"),
        Decimal("100"),
        Decimal("0"),
    )


def test_eating_more_than_is_left_answers_conflict_and_changes_nothing(live):
    item = _add_item(live, quantity="2", price="10.00")
    with live.client() as c:
        resp = c.post(f"/v1/pantry/items/{item['id']}/consume", json={"quantity": "3"})
        after = c.get(f"/v1/pantry/items/{item['id']}").json()
    assert resp.status_code == 409
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert (after["status"], after["quantity"]) == ("active", "2")


def test_parallel_adds_of_one_product_make_one_open_line_holding_them_all(live):
    answers = race(live, 30, lambda c, _: c.post("/v1/shopping-list", json={"name": "mleko", "quantity": 1}))

    assert {r.status_code for r in answers} == {201}
    with live.client() as c:
        lines = c.get("/v1/shopping-list", params={"done": "false"}).json()["items"]
    assert [(line["name"], line["quantity"]) for line in lines] == [("mleko", "30")]


def test_two_deletes_of_one_item_answer_204_once_and_404_once(live):
    item = _add_item(live)
    url = f"/v1/pantry/items/{item['id']}"

    answers = race(live, 2, lambda c, _: c.delete(url))

    assert sorted(r.status_code for r in answers) == [204, 404]


def test_patch_racing_delete_never_answers_500_and_a_saved_patch_was_saved(live):
    ids = [_add_item(live, name=f"Jogurt {n}")["id"] for n in range(8)]

    def call(c, i):  # type: ignore[no-untyped-def]
        item_id = ids[i // 2]
        if i % 2:
            return c.delete(f"/v1/pantry/items/{item_id}")
        return c.patch(f"/v1/pantry/items/{item_id}", json={"name": "Kefir"})

    answers = race(live, 16, call)

    patches, deletes = answers[0::2], answers[1::2]
    assert {r.status_code for r in patches} <= {200, 404}
    assert {r.status_code for r in deletes} == {204}
    with live.client() as c:
        left = c.get("/v1/pantry/items").json()["items"]
    assert left == []


def test_patch_racing_delete_of_a_shopping_line_never_answers_500(live):
    with live.client() as c:
        ids = [c.post("/v1/shopping-list", json={"name": name}).json()["id"] for name in PRODUCTS]

    def call(c, i):  # type: ignore[no-untyped-def]
        url = f"/v1/shopping-list/{ids[i // 2]}"
        return c.delete(url) if i % 2 else c.patch(url, json={"done": True})

    answers = race(live, 16, call)

    assert {r.status_code for r in answers[0::2]} <= {200, 404}
    assert {r.status_code for r in answers[1::2]} == {204}


def test_reopening_a_bought_line_beside_an_open_one_for_the_same_product_answers_conflict(live):
    with live.client() as c:
        bought = c.post("/v1/shopping-list", json={"name": "kawa"}).json()
        assert c.patch(f"/v1/shopping-list/{bought['id']}", json={"done": True}).status_code == 200
        assert c.post("/v1/shopping-list", json={"name": "kawa"}).status_code == 201
        reopened = c.patch(f"/v1/shopping-list/{bought['id']}", json={"done": False})
    assert reopened.status_code == 409
    assert reopened.headers["content-type"].startswith("application/problem+json")
