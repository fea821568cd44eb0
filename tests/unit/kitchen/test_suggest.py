"""Recipe suggestions: what expires first wins, then what lacks least; diets and free-text queries filter."""

from __future__ import annotations

import pytest

from foodsave.errors import InvalidInput
from foodsave.pantry.matching import key_tokens
from foodsave.recipes.suggest import RecipeQuery, assess, rank_recipes
from tests.unit.kitchen.factories import TODAY, ing, recipe, stock


def _ids(suggestions):
    return [s.recipe.id for s in suggestions]


def test_recipe_using_more_soon_expiring_items_ranks_first():
    pantry = [
        stock("Szpinak", expires_in=1),
        stock("Jogurt naturalny", expires_in=2),
        stock("Ryż", expires_in=200),
    ]
    recipes = [
        recipe("rice", ing("ryż"), ing("cebula")),
        recipe("spinach", ing("szpinak"), ing("jogurt naturalny"), ing("czosnek")),
    ]
    ranked = rank_recipes(recipes, pantry, TODAY)
    assert _ids(ranked) == ["spinach", "rice"]
    assert ranked[0].expiring_used == 2
    assert ranked[0].missing == ["czosnek"]


def test_equal_expiring_use_is_broken_by_fewer_missing_ingredients():
    pantry = [stock("Pomidory", expires_in=1)]
    recipes = [
        recipe("many", ing("pomidor"), ing("mozzarella"), ing("bazylia")),
        recipe("few", ing("pomidor"), ing("cebula")),
    ]
    assert _ids(rank_recipes(recipes, pantry, TODAY)) == ["few", "many"]


def test_items_far_from_expiry_do_not_count_as_expiring():
    suggestion = assess(recipe("r", ing("ryż")), [stock("Ryż", expires_in=30)], TODAY)
    assert suggestion.uses == ["Ryż"]
    assert suggestion.expiring_used == 0


def test_an_item_past_its_date_is_neither_used_nor_saved():
    suggestion = assess(recipe("r", ing("mleko")), [stock("Mleko", expires_in=-1)], TODAY)
    assert (suggestion.uses, suggestion.expiring_used, suggestion.missing) == ([], 0, ["mleko"])


def test_an_item_expiring_today_is_still_saved():
    suggestion = assess(recipe("r", ing("mleko")), [stock("Mleko", expires_in=0)], TODAY)
    assert (suggestion.uses, suggestion.expiring_used) == (["Mleko"], 1)


def test_salt_pepper_water_and_optional_ingredients_are_never_missing():
    r = recipe("r", ing("sól"), ing("pieprz"), ing("woda"), ing("koperek", optional=True), ing("jajko"))
    assert assess(r, [], TODAY).missing == ["jajko"]


def test_one_pantry_item_serves_only_one_ingredient_of_a_recipe():
    r = recipe("r", ing("cebula"), ing("cebula czerwona"))
    suggestion = assess(r, [stock("Cebula", expires_in=1)], TODAY)
    assert suggestion.uses == ["Cebula"]
    assert suggestion.missing == ["cebula czerwona"]


def test_diet_tags_keep_only_recipes_that_fit():
    recipes = [
        recipe("meat", ing("schab")),
        recipe("veg", ing("ryż"), tags=("vegetarian",)),
        recipe("vegan", ing("tofu"), tags=("vegan", "gluten_free")),
    ]
    assert _ids(rank_recipes(recipes, [], TODAY, diet_tags=["vegetarian"])) == ["veg", "vegan"]
    assert _ids(rank_recipes(recipes, [], TODAY, diet_tags=["vegan", "gluten_free"])) == ["vegan"]


def test_unknown_diet_tag_is_invalid_input():
    with pytest.raises(InvalidInput):
        rank_recipes([], [], TODAY, diet_tags=["paleo"])


def test_query_keeps_recipes_with_the_ingredient_in_any_inflection():
    recipes = [recipe("pasta", ing("makaron"), title="Makaron z pesto"), recipe("soup", ing("dynia"))]
    assert _ids(rank_recipes(recipes, [], TODAY, query="coś z makaronem")) == ["pasta"]


def test_query_words_for_diets_and_meals_filter_like_tags():
    recipes = [
        recipe("meat-dinner", ing("schab")),
        recipe("veg-dinner", ing("ryż"), tags=("vegetarian",)),
        recipe("veg-breakfast", ing("jajko"), meal="breakfast", tags=("vegetarian",)),
    ]
    assert _ids(rank_recipes(recipes, [], TODAY, query="a coś wegetariańskiego?")) == [
        "veg-dinner",
        "veg-breakfast",
    ]
    assert _ids(rank_recipes(recipes, [], TODAY, query="wegetariańskie śniadanie")) == ["veg-breakfast"]


def test_query_parsing_separates_terms_meals_and_diets():
    parsed = RecipeQuery.parse("Zupa bez glutenu z dynią na obiad")
    assert parsed.diet_tags == {"gluten_free"}
    assert parsed.meals == {"dinner"}
    assert parsed.tags == {"soup"}
    assert parsed.terms == key_tokens("dynia")


def test_a_query_of_filler_words_only_filters_nothing():
    recipes = [recipe("a", ing("ryż")), recipe("b", ing("jajko"))]
    assert len(rank_recipes(recipes, [], TODAY, query="zaproponuj coś")) == 2
