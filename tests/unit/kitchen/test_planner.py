"""Meal plans and their shopping lists: diets, no repeats, what expires first, and exact quantities."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsave.errors import InvalidInput
from foodsave.recipes.planner import plan_from, shopping_needs
from foodsave.recipes.stock import to_base
from tests.unit.kitchen.factories import TODAY, ing, recipe, stock


def _needs(recipes, pantry):
    return {(n.name, n.unit): n.quantity for n in shopping_needs(recipes, pantry)}


def test_plan_has_each_requested_meal_on_consecutive_days():
    recipes = [recipe(f"b{i}", ing("jajko"), meal="breakfast") for i in range(3)] + [
        recipe(f"d{i}", ing("ryż")) for i in range(3)
    ]
    plan = plan_from(recipes, [], TODAY, days=3, meals=("breakfast", "dinner"))
    assert [d.date for d in plan.days] == [TODAY + timedelta(days=i) for i in range(3)]
    assert all([m.meal for m in d.meals] == ["breakfast", "dinner"] for d in plan.days)
    assert plan.unfilled == []


def test_plan_does_not_repeat_a_recipe_while_others_fit():
    recipes = [recipe(f"d{i}", ing("ryż")) for i in range(5)]
    plan = plan_from(recipes, [stock("Ryż", 5, "kg")], TODAY, days=5, meals=("dinner",))
    assert sorted(plan.recipe_ids) == [f"d{i}" for i in range(5)]


def test_plan_repeats_only_when_the_recipes_run_out_and_says_so():
    recipes = [recipe("d0", ing("ryż")), recipe("d1", ing("kasza"))]
    plan = plan_from(recipes, [], TODAY, days=3, meals=("dinner",))
    meals = [d.meals[0] for d in plan.days]
    assert [m.repeated for m in meals] == [False, False, True]
    assert meals[2].recipe_id == meals[0].recipe_id


def test_plan_honours_diet_tags():
    recipes = [
        recipe("meat", ing("schab")),
        recipe("veg", ing("ryż"), tags=("vegetarian",)),
        recipe("vegan", ing("tofu"), tags=("vegan",)),
    ]
    plan = plan_from(
        recipes, [stock("Schab", expires_in=0)], TODAY, days=2, diet_tags=["vegetarian"], meals=("dinner",)
    )
    assert sorted(plan.recipe_ids) == ["veg", "vegan"]


def test_a_plan_never_cooks_with_an_item_past_its_date_and_buys_it_instead():
    recipes = [recipe("d0", ing("mleko", 500, "ml"))]
    plan = plan_from(recipes, [stock("Mleko", 1, "l", expires_in=-3)], TODAY, days=1, meals=("dinner",))
    assert plan.days[0].meals[0].uses == []
    assert plan.days[0].meals[0].expiring_used == 0
    assert [(n.name, n.quantity, n.unit) for n in plan.shopping_list] == [("mleko", Decimal(500), "ml")]


def test_an_item_that_expires_during_the_plan_is_not_used_after_its_date():
    recipes = [recipe(f"d{i}", ing("szpinak", 100, "g")) for i in range(3)]
    plan = plan_from(recipes, [stock("Szpinak", 1, "kg", expires_in=0)], TODAY, days=3, meals=("dinner",))
    assert [bool(d.meals[0].uses) for d in plan.days] == [True, False, False]


def test_first_day_uses_what_expires_first():
    pantry = [stock("Ryż", 1, "kg", expires_in=300), stock("Szpinak", 200, "g", expires_in=1)]
    recipes = [recipe("rice", ing("ryż", 100, "g")), recipe("spinach", ing("szpinak", 200, "g"))]
    plan = plan_from(recipes, pantry, TODAY, days=2, meals=("dinner",))
    assert plan.recipe_ids == ["spinach", "rice"]
    assert plan.days[0].meals[0].expiring_used == 1


def test_slot_without_a_recipe_of_its_meal_takes_a_related_meal():
    plan = plan_from([recipe("s", ing("jajko"), meal="supper")], [], TODAY, days=1, meals=("breakfast",))
    assert plan.recipe_ids == ["s"]


def test_slot_no_recipe_fits_is_reported_unfilled():
    plan = plan_from([recipe("d", ing("ryż"))], [], TODAY, days=1, meals=("dessert",), diet_tags=["vegan"])
    assert plan.recipe_ids == []
    assert plan.unfilled == [(TODAY, "dessert")]


def test_preserves_are_not_planned_as_meals():
    recipes = [recipe("jam", ing("truskawka"), tags=("preserves",)), recipe("d", ing("ryż"))]
    assert plan_from(recipes, [], TODAY, days=1, meals=("dinner",)).recipe_ids == ["d"]


@pytest.mark.parametrize("days", [0, 15])
def test_days_outside_one_to_fourteen_are_invalid(days):
    with pytest.raises(InvalidInput):
        plan_from([], [], TODAY, days=days)


def test_unknown_meal_or_diet_is_invalid():
    with pytest.raises(InvalidInput):
        plan_from([], [], TODAY, meals=("elevenses",))
    with pytest.raises(InvalidInput):
        plan_from([], [], TODAY, diet_tags=["keto"])


def test_shopping_list_sums_an_ingredient_over_recipes():
    recipes = [recipe("a", ing("jajko", 2)), recipe("b", ing("jajka", 3))]
    assert _needs(recipes, []) == {("jajko", "szt"): Decimal(5)}


def test_shopping_list_subtracts_pantry_in_a_comparable_unit():
    recipes = [recipe("a", ing("mąka pszenna", 300, "g")), recipe("b", ing("mąka pszenna", 900, "g"))]
    assert _needs(recipes, [stock("Mąka pszenna", "1", "kg")]) == {("mąka pszenna", "g"): Decimal(200)}


def test_shopping_list_leaves_out_what_the_pantry_fully_covers():
    recipes = [recipe("a", ing("mleko", 500, "ml"))]
    assert _needs(recipes, [stock("Mleko 3,2%", "1", "l")]) == {}


def test_pantry_item_in_an_incomparable_unit_counts_as_enough():
    recipes = [recipe("a", ing("mleko", 200, "ml"))]
    assert _needs(recipes, [stock("Mleko UHT", 1, "szt")]) == {}


def test_spoonfuls_are_bought_as_one_pack_and_merged_into_a_weight_when_there_is_one():
    recipes = [
        recipe("a", ing("cynamon", 1, "łyżeczka"), ing("mąka", 2, "łyżka")),
        recipe("b", ing("mąka", 200, "g")),
    ]
    assert _needs(recipes, []) == {("cynamon", "opak"): Decimal(1), ("mąka", "g"): Decimal(200)}


def test_shopping_list_leaves_out_staples_and_optional_ingredients():
    recipes = [
        recipe("a", ing("sól"), ing("woda", 1, "l"), ing("koperek", optional=True), ing("ryż", 100, "g"))
    ]
    assert _needs(recipes, []) == {("ryż", "g"): Decimal(100)}


def test_a_plan_comes_with_the_shopping_list_of_its_recipes():
    pantry = [stock("Ryż", 50, "g")]
    plan = plan_from(
        [recipe("d", ing("ryż", 100, "g"), ing("cebula", 1))], pantry, TODAY, days=1, meals=("dinner",)
    )
    assert {(n.name, n.unit, n.quantity) for n in plan.shopping_list} == {
        ("ryż", "g", Decimal(50)),
        ("cebula", "szt", Decimal(1)),
    }


# --- properties -----------------------------------------------------------------------------------

PRODUCTS = ["mleko", "jajko", "ser żółty", "pomidor", "cebula", "ryż", "makaron", "jabłko", "banan", "chleb"]
UNITS = ["g", "kg", "ml", "l", "szt", "łyżka"]
quantities = st.integers(min_value=1, max_value=2000).map(lambda n: Decimal(n) / 4)
ingredients = st.builds(
    lambda p, q, u: ing(p, q, u), st.sampled_from(PRODUCTS), quantities, st.sampled_from(UNITS)
)
recipes_st = st.lists(st.lists(ingredients, min_size=1, max_size=5), min_size=1, max_size=8).map(
    lambda groups: [recipe(f"r{i}", *g, tags=("vegetarian",) if i % 2 else ()) for i, g in enumerate(groups)]
)
stock_st = st.lists(
    st.builds(
        lambda p, q, u, e: stock(p.capitalize(), q, u, e),
        st.sampled_from(PRODUCTS),
        quantities,
        st.sampled_from(["g", "kg", "ml", "l", "szt"]),
        st.none() | st.integers(min_value=-3, max_value=20),
    ),
    max_size=8,
)


def _required(recipes):
    totals: dict[tuple[str, str], Decimal] = {}
    for r in recipes:
        for i in r.ingredients:
            q, u = to_base(i.quantity, i.unit)
            totals[(i.normalized, u)] = totals.get((i.normalized, u), Decimal(0)) + q
    # A spoonful is bought as one pack, unless the same product is needed by weight, volume or count anyway.
    spoons = {p for p, u in totals if u == "łyżka"}
    measured = {p for p, u in totals if u != "łyżka"}
    required = {k: v for k, v in totals.items() if k[1] != "łyżka"}
    required.update({(p, "opak"): Decimal(1) for p in spoons - measured})
    return required


def _pantry(pantry, product, unit):
    same = sum(
        (
            to_base(s.quantity, s.unit)[0]
            for s in pantry
            if s.name.lower() == product and to_base(s.quantity, s.unit)[1] == unit
        ),
        Decimal(0),
    )
    other = any(s.name.lower() == product and to_base(s.quantity, s.unit)[1] != unit for s in pantry)
    return same, other


@settings(max_examples=150, deadline=None)
@given(recipes_st, stock_st)
def test_shopping_list_is_exactly_what_the_pantry_lacks(recipes, pantry):
    needs = _needs(recipes, pantry)
    for (product, unit), required in _required(recipes).items():
        have, other_unit = _pantry(pantry, product, unit)
        if other_unit or have >= required:
            assert (product, unit) not in needs  # never what the pantry covers
        else:
            assert needs[(product, unit)] == required - have
    assert set(needs) <= set(_required(recipes))  # nothing that no recipe asks for


@settings(max_examples=100, deadline=None)
@given(recipes_st, stock_st, st.integers(min_value=1, max_value=14), st.booleans())
def test_plans_fit_the_diet_and_repeat_nothing_while_recipes_last(recipes, pantry, days, vegetarian):
    diet = ["vegetarian"] if vegetarian else []
    plan = plan_from(recipes, pantry, TODAY, days=days, diet_tags=diet, meals=("dinner",))
    eligible = {r.id for r in recipes if r.fits_diet(diet)}
    assert set(plan.recipe_ids) <= eligible
    assert len(plan.recipe_ids) == (days if eligible else 0)
    first = plan.recipe_ids[: len(eligible)]
    assert len(set(first)) == len(first)
    planned = [r for rid in plan.recipe_ids for r in recipes if r.id == rid]
    within_date = [s for s in pantry if s.expires_at is None or s.expires_at >= TODAY]
    assert {(n.name, n.unit): n.quantity for n in plan.shopping_list} == _needs(planned, within_date)
