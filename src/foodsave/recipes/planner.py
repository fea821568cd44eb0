"""Meal plans: n days of meals that honour diet tags, do not repeat a recipe, use what expires first, and the
shopping list of what the pantry lacks for them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from foodsave.days import check_day, shift
from foodsave.errors import InvalidInput
from foodsave.recipes.catalog import MEALS, Ingredient, Recipe, RecipeCatalog
from foodsave.recipes.stock import StockIndex, StockItem, edible, load_stock, matching_stock, to_base
from foodsave.recipes.suggest import check_diet_tags

MAX_DAYS = 14
# A slot is filled with a recipe of its own meal when possible, else with one of these (in order).
FALLBACK_MEALS: dict[str, tuple[str, ...]] = {
    "breakfast": ("supper", "snack"),
    "lunch": ("dinner", "supper"),
    "dinner": ("lunch",),
    "supper": ("breakfast", "lunch"),
    "snack": ("dessert", "breakfast"),
    "dessert": ("snack",),
}
KITCHEN_MEASURES = frozenset({"łyżka", "łyżeczka", "szczypta", "szklanka"})
_MISSING_COST = 1.5
_FALLBACK_COST = 3.0
_REPEAT_COST = 1000.0


@dataclass(frozen=True)
class PlannedMeal:
    meal: str
    recipe_id: str
    title: str
    uses: list[str] = field(default_factory=list)
    expiring_used: int = 0
    repeated: bool = False


@dataclass(frozen=True)
class PlanDay:
    date: date
    meals: list[PlannedMeal] = field(default_factory=list)


@dataclass(frozen=True)
class ShoppingNeed:
    """One line to buy: `quantity` of `unit` (grams and millilitres for weights and volumes)."""

    name: str
    quantity: Decimal
    unit: str
    category: str = "other"


@dataclass(frozen=True)
class MealPlan:
    days: list[PlanDay]
    shopping_list: list[ShoppingNeed]
    diet_tags: tuple[str, ...] = ()
    unfilled: list[tuple[date, str]] = field(default_factory=list)

    @property
    def recipe_ids(self) -> list[str]:
        return [m.recipe_id for d in self.days for m in d.meals]


def _urgency(item: StockItem, today: date, day: date) -> float:
    """How much it is worth to use this item on `day`: most for what is about to expire."""
    if item.expires_at is None:
        return 1.0
    left_today = (item.expires_at - today).days
    left = (item.expires_at - day).days
    if left_today < 0 or left < 0:
        return 0.0  # past its date by then: not food to plan with
    if left <= 1:
        return 6.0
    if left <= 3:
        return 4.0
    if left <= 7:
        return 2.0
    return 1.0


class _Pantry:
    """The pantry as the plan uses it up: quantities in comparable units shrink, each item saves one meal."""

    def __init__(self, stock: Sequence[StockItem]) -> None:
        self.stock = list(stock)
        self.left: dict[str, tuple[Decimal, str]] = {s.id: to_base(s.quantity, s.unit) for s in stock}
        self.claimed: set[str] = set()
        self.index = StockIndex(stock)

    def candidates(self, ingredient: Ingredient, day: date) -> list[StockItem]:
        """Items left for the ingredient that are still within their date on `day`."""
        return [
            s
            for s in self.index.matching(ingredient.normalized)
            if self.left[s.id][0] > 0 and not s.expired(day)
        ]

    def use(self, item: StockItem, ingredient: Ingredient) -> None:
        self.claimed.add(item.id)
        have, family = self.left[item.id]
        if ingredient.quantity is None:
            return
        need, need_family = to_base(ingredient.quantity, ingredient.unit)
        if need_family == family:
            self.left[item.id] = (have - need, family)


def _evaluate(
    recipe: Recipe, pantry: _Pantry, today: date, day: date
) -> tuple[float, list[tuple[StockItem, Ingredient]], int]:
    bonus = 0.0
    missing = 0
    picks: list[tuple[StockItem, Ingredient]] = []
    taken: set[str] = set()
    for ingredient in recipe.ingredients:
        if ingredient.staple:
            continue
        item = next((s for s in pantry.candidates(ingredient, day) if s.id not in taken), None)
        if item is None:
            missing += 0 if ingredient.optional else 1
            continue
        taken.add(item.id)
        picks.append((item, ingredient))
        if item.id not in pantry.claimed:
            bonus += _urgency(item, today, day)
    return bonus - missing * _MISSING_COST, picks, missing


def plan_from(
    recipes: Iterable[Recipe],
    stock: Sequence[StockItem],
    today: date,
    *,
    days: int = 3,
    diet_tags: Iterable[str] = (),
    meals: Sequence[str] = ("breakfast", "dinner"),
    soon_days: int = 3,
) -> MealPlan:
    """Greedy, day by day and meal by meal: the recipe that saves the most urgent items and lacks the least."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_DAYS}")
    shift(check_day(today, "start"), days - 1, "the last day of the plan")
    diet = check_diet_tags(diet_tags)
    slots = tuple(dict.fromkeys(meals))
    unknown = [m for m in slots if m not in MEALS]
    if unknown or not slots:
        raise InvalidInput(f"meals must be some of: {', '.join(MEALS)}")
    # Preserves (jams, frozen portions) are kitchen projects, not meals.
    pool = [r for r in recipes if r.fits_diet(diet) and "preserves" not in r.tags]
    pantry = _Pantry(edible(stock, today))
    last_used: dict[str, int] = {}
    plan_days: list[PlanDay] = []
    unfilled: list[tuple[date, str]] = []
    chosen: list[Recipe] = []
    turn = 0
    for offset in range(days):
        day = today + timedelta(days=offset)
        planned: list[PlannedMeal] = []
        for slot in slots:
            turn += 1
            accepted = (slot, *FALLBACK_MEALS.get(slot, ()))
            best: tuple[float, int, Recipe, list[tuple[StockItem, Ingredient]]] | None = None
            for position, recipe in enumerate(pool):
                if recipe.meal not in accepted:
                    continue
                value, picks, _ = _evaluate(recipe, pantry, today, day)
                if recipe.meal != slot:
                    value -= _FALLBACK_COST * (1 + accepted.index(recipe.meal))
                if recipe.id in last_used:
                    value -= (
                        _REPEAT_COST + last_used[recipe.id]
                    )  # repeat only when nothing else fits, oldest first
                if best is None or value > best[0] or (value == best[0] and position < best[1]):
                    best = (value, position, recipe, picks)
            if best is None:
                unfilled.append((day, slot))
                continue
            _, _, recipe, picks = best
            expiring_used = sum(
                1 for item, _ in picks if item.id not in pantry.claimed and item.expiring(day, soon_days)
            )
            for item, ingredient in picks:
                pantry.use(item, ingredient)
            planned.append(
                PlannedMeal(
                    meal=slot,
                    recipe_id=recipe.id,
                    title=recipe.title,
                    uses=[item.name for item, _ in picks],
                    expiring_used=expiring_used,
                    repeated=recipe.id in last_used,
                )
            )
            last_used[recipe.id] = turn
            chosen.append(recipe)
        plan_days.append(PlanDay(date=day, meals=planned))
    return MealPlan(
        days=plan_days,
        shopping_list=shopping_needs(chosen, edible(stock, today)),
        diet_tags=diet,
        unfilled=unfilled,
    )


def buyable(
    totals: dict[tuple[str, str], Decimal], categories: dict[str, str]
) -> dict[tuple[str, str], Decimal]:
    """Spoonfuls and pinches are not something to buy: absorbed by the same ingredient's weight, volume or
    count when the recipes need one, else one piece (fruit, vegetables) or one pack of it."""
    out: dict[tuple[str, str], Decimal] = {}
    for (key, unit), quantity in totals.items():
        if unit not in KITCHEN_MEASURES:
            out[(key, unit)] = out.get((key, unit), Decimal(0)) + quantity
    for key, unit in totals:
        if unit in KITCHEN_MEASURES and not any(k == key and u not in KITCHEN_MEASURES for k, u in totals):
            out[(key, "szt" if categories.get(key) in ("fruit", "vegetables") else "opak")] = Decimal(1)
    return out


def shopping_needs(recipes: Sequence[Recipe], stock: Sequence[StockItem]) -> list[ShoppingNeed]:
    """What to buy for these recipes (a recipe listed twice counts twice): required ingredients summed per
    product in buyable units, minus what the pantry holds in a comparable unit. A pantry item in a unit that
    cannot be compared (a bottle of milk against millilitres) counts as having enough."""
    totals: dict[tuple[str, str], Decimal] = {}
    names: dict[str, tuple[str, str]] = {}
    for recipe in recipes:
        for ingredient in recipe.required:
            key = ingredient.key
            if not key:
                continue
            quantity, unit = to_base(ingredient.quantity or Decimal(1), ingredient.unit)
            totals[(key, unit)] = totals.get((key, unit), Decimal(0)) + quantity
            names.setdefault(key, (ingredient.normalized, ingredient.category))
    totals = buyable(totals, {k: v[1] for k, v in names.items()})
    needs: list[ShoppingNeed] = []
    for (key, unit), required in totals.items():
        name, category = names[key]
        have = Decimal(0)
        covered = False
        for item in matching_stock(name, stock):
            quantity, item_unit = to_base(item.quantity, item.unit)
            if item_unit == unit:
                have += quantity
            else:
                covered = True
        if covered or have >= required:
            continue
        needs.append(ShoppingNeed(name=name, quantity=required - have, unit=unit, category=category))
    needs.sort(key=lambda n: (n.category, n.name, n.unit))
    return needs


def plan_meals(
    session: Session,
    user_id: str,
    today: date,
    *,
    days: int = 3,
    diet_tags: Iterable[str] = (),
    meals: Sequence[str] = ("breakfast", "dinner"),
    catalog: RecipeCatalog | None = None,
) -> MealPlan:
    """A plan for the user's pantry starting today (see `plan_from`)."""
    return plan_from(
        (catalog or RecipeCatalog.default()).all(),
        load_stock(session, user_id),
        today,
        days=days,
        diet_tags=diet_tags,
        meals=meals,
    )
