"""Small recipes and pantry stock for the kitchen tests, built in code so each test shows what matters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from foodsave.recipes.catalog import Ingredient, Recipe
from foodsave.recipes.stock import StockItem

TODAY = date(2030, 3, 10)


def ing(
    name: str, quantity: str | int | None = 1, unit: str = "szt", *, optional: bool = False
) -> Ingredient:
    return Ingredient(
        name=name,
        normalized=name,
        quantity=None if quantity is None else Decimal(str(quantity)),
        unit=unit,
        optional=optional,
        category="other",
    )


def recipe(
    rid: str,
    *ingredients: Ingredient,
    meal: str = "dinner",
    tags: tuple[str, ...] = (),
    title: str | None = None,
) -> Recipe:
    return Recipe(
        id=rid,
        title=title or f"Recipe {rid}",
        lang="pl",
        servings=2,
        time_minutes=20,
        meal=meal,
        tags=tags,
        ingredients=tuple(ingredients),
    )


_counter = iter(range(1_000_000))


def stock(name: str, quantity: str | int = 1, unit: str = "szt", expires_in: int | None = None) -> StockItem:
    return StockItem(
        id=f"s{next(_counter)}",
        name=name,
        normalized_name=name.lower(),
        quantity=Decimal(str(quantity)),
        unit=unit,
        expires_at=None if expires_in is None else date.fromordinal(TODAY.toordinal() + expires_in),
    )
