"""Recipe routes: suggestions that use what expires first, one recipe, and meal plans with a shopping list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.route_table import RouteTable
from foodsave.pantry.service import local_today
from foodsave.recipes.catalog import RecipeCatalog
from foodsave.recipes.planner import plan_from
from foodsave.recipes.schemas import (
    DietTag,
    MealPlanIn,
    MealPlanOut,
    RecipeOut,
    RecipeSuggestionOut,
    SuggestionPage,
)
from foodsave.recipes.stock import load_stock
from foodsave.recipes.suggest import rank_recipes
from foodsave.shopping.service import ShoppingListService

router = RouteTable(tags=["recipes"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such recipe"}}


@router.get(
    "/v1/recipes/suggestions",
    response_model=SuggestionPage,
    summary="Recipes ranked by how many soon-expiring pantry items they use, then by fewest missing ingredients",
)
def recipe_suggestions(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    diet: Annotated[list[DietTag] | None, Query(description="every tag must hold", max_length=3)] = None,
    q: Annotated[str | None, Query(max_length=200, description="ingredient, dish or meal words")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SuggestionPage:
    today = local_today(services.clock.now(), user.timezone)
    ranked = rank_recipes(
        RecipeCatalog.default().all(), load_stock(session, user.id), today, diet_tags=diet or (), query=q
    )
    return SuggestionPage(
        items=[RecipeSuggestionOut.of(s) for s in ranked[offset : offset + limit]],
        total=len(ranked),
        limit=limit,
        offset=offset,
    )


@router.get(
    "/v1/recipes/{recipe_id}",
    response_model=RecipeOut,
    responses=NOT_FOUND,
    summary="One recipe: ingredients, steps, time and diet tags",
)
def get_recipe(recipe_id: str, user: CurrentUser) -> RecipeOut:
    return RecipeOut.of(RecipeCatalog.default().get(recipe_id))


@router.post(
    "/v1/meal-plans",
    response_model=MealPlanOut,
    summary="Plan n days of meals (diet tags, no repeats, what expires first) and list what the pantry lacks",
)
def create_meal_plan(
    body: MealPlanIn, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> MealPlanOut:
    start = body.start or local_today(services.clock.now(), user.timezone)
    plan = plan_from(
        RecipeCatalog.default().all(),
        load_stock(session, user.id),
        start,
        days=body.days,
        diet_tags=body.diet_tags,
        meals=body.meals,
    )
    added = 0
    if body.add_to_shopping_list and plan.shopping_list:
        added = len(ShoppingListService(session, user.id).add_many(plan.shopping_list, source="meal_plan"))
    return MealPlanOut.of(plan, added)
