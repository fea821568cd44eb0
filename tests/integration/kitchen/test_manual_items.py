"""Items typed by hand are categorised and normalised like receipt items, so category filters find them."""

from __future__ import annotations


def _add(client, auth, name, **extra):
    resp = client.post(
        "/v1/pantry/items", json={"name": name, "quantity": "1", **extra}, headers=auth("anna")
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_an_item_added_by_hand_gets_its_category(client, auth):
    item = _add(client, auth, "Jogurt naturalny 400g")
    assert item["category"] == "dairy"
    listed = client.get("/v1/pantry/items?category=dairy", headers=auth("anna")).json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]


def test_a_category_given_by_the_user_is_kept(client, auth):
    assert _add(client, auth, "Jogurt naturalny 400g", category="snacks")["category"] == "snacks"


def test_a_normalised_name_keeps_the_words_that_carry_its_meaning(client, auth):
    assert _add(client, auth, "Pączek z różą")["normalized_name"] == "pączek z różą"


def _uses(client, auth, query, recipe_id):
    ideas = client.get(f"/v1/recipes/suggestions?q={query}&limit=50", headers=auth("anna")).json()["items"]
    [found] = [i for i in ideas if i["recipe"]["id"] == recipe_id]
    return found["uses"]


def test_a_recipe_is_not_said_to_use_a_flavoured_product_for_a_plain_one(client, auth):
    _add(client, auth, "Jogurt truskawkowy", expires_at="2025-01-16")
    _add(client, auth, "Dżem truskawkowy", expires_at="2025-01-16")
    _add(client, auth, "Jogurt naturalny", expires_at="2025-01-16")
    assert _uses(client, auth, "cezar", "r074") == ["Jogurt naturalny"]  # sałatka cezar
    assert _uses(client, auth, "koktajl truskawkowy", "r012") == []  # wants strawberries, not jam
