"""RecipeCatalog: the bundled recipe corpus (corpora/recipes.jsonl) loaded once, with lookups by id and ingredient."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from foodsave.errors import NotFound
from foodsave.pantry.matching import MATCH_THRESHOLD, key_tokens, match_score
from foodsave.text.products import name_key

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "recipes.jsonl"
DIET_TAGS = ("vegetarian", "vegan", "gluten_free")
MEALS = ("breakfast", "lunch", "dinner", "supper", "snack", "dessert")
# Ingredients every kitchen is assumed to have: never "missing", never on a shopping list.
STAPLES = frozenset({"sól", "pieprz", "woda", "sól kamienna"})


@dataclass(frozen=True)
class Ingredient:
    name: str
    normalized: str
    quantity: Decimal | None
    unit: str
    optional: bool = False
    category: str = "other"

    @property
    def key(self) -> str:
        return name_key(self.normalized or self.name)

    @property
    def staple(self) -> bool:
        return self.normalized.lower() in STAPLES


@dataclass(frozen=True)
class Recipe:
    id: str
    title: str
    lang: str
    servings: int
    time_minutes: int
    meal: str
    tags: tuple[str, ...]
    ingredients: tuple[Ingredient, ...]
    steps: tuple[str, ...] = ()
    description: str = ""

    @property
    def required(self) -> tuple[Ingredient, ...]:
        """Ingredients one has to have: not optional and not a staple such as salt or water."""
        return tuple(i for i in self.ingredients if not i.optional and not i.staple)

    def fits_diet(self, diet_tags: Iterable[str]) -> bool:
        """Every requested tag holds; a vegan recipe is also vegetarian."""
        tags = set(self.tags)
        if "vegan" in tags:
            tags.add("vegetarian")
        return all(t in tags for t in diet_tags)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None


def recipe_from_dict(raw: dict[str, Any]) -> Recipe:
    """One corpus line as a Recipe; missing optional fields get neutral defaults."""
    ingredients = tuple(
        Ingredient(
            name=str(i.get("name") or i.get("normalized") or ""),
            normalized=str(i.get("normalized") or i.get("name") or "").strip().lower(),
            quantity=_decimal(i.get("quantity")),
            unit=str(i.get("unit") or "szt"),
            optional=bool(i.get("optional", False)),
            category=str(i.get("category") or "other"),
        )
        for i in raw.get("ingredients") or []
        if (i.get("name") or i.get("normalized"))
    )
    return Recipe(
        id=str(raw["id"]),
        title=str(raw.get("title") or raw["id"]),
        lang=str(raw.get("lang") or "pl"),
        servings=int(raw.get("servings") or 2),
        time_minutes=int(raw.get("time_minutes") or 0),
        meal=str(raw.get("meal") or "dinner"),
        tags=tuple(str(t) for t in raw.get("tags") or ()),
        ingredients=ingredients,
        steps=tuple(str(s) for s in raw.get("steps") or ()),
        description=str(raw.get("description") or ""),
    )


@dataclass
class RecipeCatalog:
    """An immutable set of recipes in corpus order."""

    recipes: tuple[Recipe, ...] = ()
    _by_id: dict[str, Recipe] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {r.id: r for r in self.recipes}

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> RecipeCatalog:
        """Parse JSON lines; blank and malformed lines (a corpus still being written) are skipped."""
        recipes: list[Recipe] = []
        seen: set[str] = set()
        for line in lines:
            if not line.strip():
                continue
            try:
                recipe = recipe_from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            if recipe.id not in seen:
                seen.add(recipe.id)
                recipes.append(recipe)
        return cls(tuple(recipes))

    @classmethod
    def from_path(cls, path: Path) -> RecipeCatalog:
        if not path.is_file():
            return cls()
        with path.open(encoding="utf-8") as fh:
            return cls.from_lines(fh)

    @classmethod
    def default(cls) -> RecipeCatalog:
        """The bundled corpus, cached per warm container and reloaded when the file changes (or appears)."""
        return _DEFAULT.get(CORPUS)

    def __len__(self) -> int:
        return len(self.recipes)

    def __iter__(self) -> Iterator[Recipe]:
        return iter(self.recipes)

    def get(self, recipe_id: str) -> Recipe:
        recipe = self._by_id.get(recipe_id)
        if recipe is None:
            raise NotFound(f"recipe {recipe_id} not found")
        return recipe

    def all(self) -> list[Recipe]:
        return list(self.recipes)

    def matching(self, normalized_name: str) -> list[Recipe]:
        """Recipes with an ingredient that a pantry item of this name satisfies."""
        if not key_tokens(normalized_name):
            return []
        return [
            r
            for r in self.recipes
            if any(match_score(i.normalized, normalized_name) >= MATCH_THRESHOLD for i in r.ingredients)
        ]


class _CachedCatalog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._catalog = RecipeCatalog()

    def get(self, path: Path) -> RecipeCatalog:
        try:
            stat = path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._catalog = RecipeCatalog.from_path(path) if stamp else RecipeCatalog()
                self._stamp = stamp
            return self._catalog


_DEFAULT = _CachedCatalog()
