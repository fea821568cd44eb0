"""Recipe, suggestion and meal-plan shapes of the HTTP API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from foodsave.days import Day
from foodsave.pantry.schemas import format_quantity
from foodsave.recipes.catalog import Recipe
from foodsave.recipes.planner import MAX_DAYS, MealPlan
from foodsave.recipes.suggest import RecipeSuggestion

DietTag = Literal["vegetarian", "vegan", "gluten_free"]
Meal = Literal["breakfast", "lunch", "dinner", "supper", "snack", "dessert"]


class IngredientOut(BaseModel):
    name: str
    normalized: str
    quantity: Decimal | None
    unit: str
    optional: bool
    category: str

    @field_serializer("quantity")
    def _quantity(self, value: Decimal | None) -> str | None:
        return None if value is None else format_quantity(value)


class RecipeOut(BaseModel):
    id: str
    title: str
    lang: str
    servings: int
    time_minutes: int
    meal: str
    tags: list[str]
    ingredients: list[IngredientOut]
    steps: list[str]
    description: str

    @classmethod
    def of(cls, recipe: Recipe) -> RecipeOut:
        return cls(
            id=recipe.id,
            title=recipe.title,
            lang=recipe.lang,
            servings=recipe.servings,
            time_minutes=recipe.time_minutes,
            meal=recipe.meal,
            tags=list(recipe.tags),
            ingredients=[
                IngredientOut(
                    name=i.name,
                    normalized=i.normalized,
                    quantity=i.quantity,
                    unit=i.unit,
                    optional=i.optional,
                    category=i.category,
                )
                for i in recipe.ingredients
            ],
            steps=list(recipe.steps),
            description=recipe.description,
        )


class RecipeSummaryOut(BaseModel):
    id: str
    title: str
    meal: str
    tags: list[str]
    time_minutes: int


class RecipeSuggestionOut(BaseModel):
    recipe: RecipeSummaryOut
    uses: list[str] = Field(description="pantry items the recipe uses")
    expiring: list[str] = Field(description="the used items that expire soon")
    expiring_used: int
    missing: list[str] = Field(
        description="required ingredients the pantry lacks (salt, pepper, water assumed)"
    )
    score: float = Field(
        description="soon-expiring items used plus the share of required ingredients at hand"
    )

    @classmethod
    def of(cls, s: RecipeSuggestion) -> RecipeSuggestionOut:
        r = s.recipe
        return cls(
            recipe=RecipeSummaryOut(
                id=r.id, title=r.title, meal=r.meal, tags=list(r.tags), time_minutes=r.time_minutes
            ),
            uses=s.uses,
            expiring=s.expiring,
            expiring_used=s.expiring_used,
            missing=s.missing,
            score=s.score,
        )


class SuggestionPage(BaseModel):
    items: list[RecipeSuggestionOut]
    total: int
    limit: int
    offset: int


def _default_meals() -> list[Meal]:
    return ["breakfast", "dinner"]


class MealPlanIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"days": 3, "diet_tags": ["vegetarian"], "add_to_shopping_list": True}]
        },
    )
    days: int = Field(default=3, ge=1, le=MAX_DAYS)
    diet_tags: list[DietTag] = Field(default_factory=list, max_length=3)
    meals: list[Meal] = Field(default_factory=_default_meals, min_length=1, max_length=6)
    start: Day | None = Field(default=None, description="first day of the plan; today when omitted")
    add_to_shopping_list: bool = Field(default=False, description="also put the missing items on the list")


class PlannedMealOut(BaseModel):
    meal: str
    recipe_id: str
    title: str
    uses: list[str]
    expiring_used: int
    repeated: bool


class PlanDayOut(BaseModel):
    date: date
    meals: list[PlannedMealOut]


class ShoppingNeedOut(BaseModel):
    name: str
    quantity: Decimal
    unit: str
    category: str

    @field_serializer("quantity")
    def _quantity(self, value: Decimal) -> str:
        return format_quantity(value)


class UnfilledOut(BaseModel):
    date: date
    meal: str


class MealPlanOut(BaseModel):
    days: list[PlanDayOut]
    shopping_list: list[ShoppingNeedOut] = Field(description="what the pantry lacks for the plan")
    diet_tags: list[str]
    unfilled: list[UnfilledOut] = Field(description="slots no recipe fits (diet too strict for that meal)")
    added_to_shopping_list: int = 0

    @classmethod
    def of(cls, plan: MealPlan, added: int = 0) -> MealPlanOut:
        return cls(
            days=[
                PlanDayOut(
                    date=d.date,
                    meals=[
                        PlannedMealOut(
                            meal=m.meal,
                            recipe_id=m.recipe_id,
                            title=m.title,
                            uses=m.uses,
                            expiring_used=m.expiring_used,
                            repeated=m.repeated,
                        )
                        for m in d.meals
                    ],
                )
                for d in plan.days
            ],
            shopping_list=[
                ShoppingNeedOut(name=n.name, quantity=n.quantity, unit=n.unit, category=n.category)
                for n in plan.shopping_list
            ],
            diet_tags=list(plan.diet_tags),
            unfilled=[UnfilledOut(date=d, meal=m) for d, m in plan.unfilled],
            added_to_shopping_list=added,
        )
