"""Recipe suggestions, recipe details and meal plans over HTTP (SQLite and PostgreSQL).
The services fixture freezes the clock at 2025-01-15; routes see the seven recipes of conftest.py."""

from __future__ import annotations

from datetime import date

import pytest

from foodsave.recipes.catalog import CORPUS, RecipeCatalog
from foodsave.recipes.suggest import suggest_recipes
from foodsave.users import get_or_create_user

PROBLEM = "application/problem+json"


def _stock(client, auth, *items, user="anna"):
    for name, quantity, unit, expires in items:
        body = {"name": name, "quantity": quantity, "unit": unit, "expires_at": expires}
        assert client.post("/v1/pantry/items", json=body, headers=auth(user)).status_code == 201


def test_suggestions_rank_recipes_using_soon_expiring_items_first(client, auth, kitchen_catalog):
    _stock(
        client,
        auth,
        ("Szpinak baby", "200", "g", "2025-01-16"),
        ("Banany", "3", "szt", "2025-01-17"),
        ("Makaron penne", "500", "g", "2025-06-01"),
        ("Pomidory", "4", "szt", "2025-01-30"),
    )
    page = client.get("/v1/recipes/suggestions?limit=3", headers=auth()).json()
    top = page["items"][0]
    assert top["recipe"]["id"] == "k1"
    assert (top["expiring_used"], top["missing"]) == (2, [])
    assert sorted(top["expiring"]) == ["Banany", "Szpinak baby"]
    assert page["total"] == 7
    assert len(page["items"]) == 3


def test_suggestions_filter_by_diet_and_query(client, auth, kitchen_catalog):
    vegan = client.get("/v1/recipes/suggestions?diet=vegan&limit=50", headers=auth()).json()
    assert {i["recipe"]["id"] for i in vegan["items"]} == {"k1", "k6"}
    both = client.get("/v1/recipes/suggestions?diet=vegetarian&diet=gluten_free", headers=auth()).json()
    assert {i["recipe"]["id"] for i in both["items"]} == {"k1", "k2", "k6"}
    eggs = client.get("/v1/recipes/suggestions", params={"q": "coś z jajkami"}, headers=auth()).json()
    assert {i["recipe"]["id"] for i in eggs["items"]} == {"k2", "k7"}


def test_suggestions_see_only_the_callers_pantry(client, auth, kitchen_catalog):
    _stock(client, auth, ("Szpinak", "200", "g", "2025-01-16"), user="bob")
    top = client.get("/v1/recipes/suggestions?limit=1", headers=auth("anna")).json()["items"][0]
    assert top["uses"] == []


def test_unknown_diet_tag_and_bad_paging_are_422(client, auth, kitchen_catalog):
    for query in ("diet=paleo", "limit=0", "limit=51", "offset=-1"):
        resp = client.get(f"/v1/recipes/suggestions?{query}", headers=auth())
        assert resp.status_code == 422, query
        assert resp.headers["content-type"].startswith(PROBLEM)


def test_recipe_details_and_unknown_recipe(client, auth, kitchen_catalog):
    recipe = client.get("/v1/recipes/k2", headers=auth()).json()
    assert recipe["title"] == "Jajecznica"
    assert recipe["ingredients"][0] == {
        "name": "jajko",
        "normalized": "jajko",
        "quantity": "3",
        "unit": "szt",
        "optional": False,
        "category": "dairy",
    }
    missing = client.get("/v1/recipes/nope", headers=auth())
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    assert client.get("/v1/recipes/k2").status_code == 401


def test_meal_plan_honours_diet_and_lists_only_what_is_missing(client, auth, kitchen_catalog):
    _stock(
        client,
        auth,
        ("Ciecierzyca konserwowa", "400", "g", "2025-01-16"),
        ("Szpinak", "150", "g", "2025-01-16"),
    )
    body = {"days": 1, "diet_tags": ["vegan"], "meals": ["breakfast", "dinner"]}
    plan = client.post("/v1/meal-plans", json=body, headers=auth()).json()
    assert [d["date"] for d in plan["days"]] == ["2025-01-15"]
    assert [m["recipe_id"] for m in plan["days"][0]["meals"]] == ["k1", "k6"]
    needs = {(n["name"], n["unit"]): n["quantity"] for n in plan["shopping_list"]}
    assert needs == {("mleko kokosowe", "ml"): "200", ("banan", "szt"): "1", ("szpinak", "g"): "50"}


def test_longer_meal_plan_repeats_only_when_the_diet_leaves_too_few_recipes(client, auth, kitchen_catalog):
    body = {"days": 2, "diet_tags": ["vegan"], "meals": ["dinner"]}  # k6 is the only vegan dinner
    meals = [d["meals"][0] for d in client.post("/v1/meal-plans", json=body, headers=auth()).json()["days"]]
    assert [(m["recipe_id"], m["repeated"]) for m in meals] == [("k6", False), ("k6", True)]


def test_meal_plan_can_fill_the_shopping_list(client, auth, kitchen_catalog):
    body = {"days": 1, "meals": ["dinner"], "add_to_shopping_list": True}
    plan = client.post("/v1/meal-plans", json=body, headers=auth()).json()
    assert plan["added_to_shopping_list"] == len(plan["shopping_list"]) > 0
    listing = client.get("/v1/shopping-list", headers=auth()).json()
    assert {i["source"] for i in listing["items"]} == {"meal_plan"}
    assert client.get("/v1/shopping-list", headers=auth("bob")).json()["total"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"days": 0},
        {"days": 15},
        {"diet_tags": ["keto"]},
        {"meals": []},
        {"meals": ["brunch"]},
        {"servings": 4},
    ],
)
def test_invalid_meal_plan_requests_are_422(client, auth, kitchen_catalog, body):
    resp = client.post("/v1/meal-plans", json=body, headers=auth())
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith(PROBLEM)


@pytest.mark.skipif(not CORPUS.is_file(), reason="bundled corpus not present")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_bundled_corpus_suggests_a_recipe_for_an_expiring_item(services):
    with services.db.session() as session:
        user = get_or_create_user(session, "dev:anna")
        from decimal import Decimal

        from foodsave.pantry.schemas import PantryItemIn
        from foodsave.pantry.service import PantryService

        PantryService(session, user.id).add(
            PantryItemIn(name="Jajka kurze M 10 szt", quantity=Decimal(10), expires_at=date(2025, 1, 16))
        )
        top = suggest_recipes(session, user.id, date(2025, 1, 15), limit=3, catalog=RecipeCatalog.default())
    assert len(top) == 3
    assert all(s.expiring_used == 1 and s.uses == ["Jajka kurze M 10 szt"] for s in top)
