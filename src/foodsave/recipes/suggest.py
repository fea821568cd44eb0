"""Recipe suggestions ranked by how many soon-expiring pantry items they use, then by how little is missing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from foodsave.errors import InvalidInput
from foodsave.pantry.matching import key_tokens
from foodsave.recipes.catalog import DIET_TAGS, Recipe, RecipeCatalog
from foodsave.recipes.stock import StockIndex, StockItem, edible, load_stock
from foodsave.text import fold

SOON_DAYS = 3  # an item "expires soon" when it has at most this many days left (or is past its date)

# Words in a free-text query that name a meal, a kind of dish or a diet rather than an ingredient.
_QUERY_FORMS: dict[tuple[str, str], str] = {
    ("meal", "breakfast"): "śniadanie śniadania śniadaniu breakfast",
    ("meal", "dinner"): "obiad obiadu obiady obiadem dinner",
    ("meal", "lunch"): "lunch lunchu lunchem",
    ("meal", "supper"): "kolacja kolację kolacji kolacje supper",
    ("meal", "snack"): "przekąska przekąskę przekąski snack snacks",
    ("meal", "dessert"): "deser deseru desery deserem dessert",
    ("tag", "soup"): "zupa zupę zupy zupka soup",
    ("tag", "salad"): "sałatka sałatkę sałatki surówka surówkę salad",
    ("tag", "quick"): "szybki szybkie szybką szybko quick fast",
}
_QUERY_WORDS: dict[str, tuple[str, str]] = {
    token: kind
    for kind, forms in _QUERY_FORMS.items()
    for form in forms.split()
    for token in key_tokens(form)
}
_DIET_PREFIXES = (
    ("wegetaria", "vegetarian"),
    ("vegetaria", "vegetarian"),
    ("jarsk", "vegetarian"),
    ("bezmies", "vegetarian"),
    ("wegansk", "vegan"),
    ("vegan", "vegan"),
    ("bezgluten", "gluten_free"),
    ("gluten", "gluten_free"),
)
_FILLER = frozenset(
    "cos jakis jakies jakas cokolwiek przepis przepisy przepisu danie dania potrawa potrawe zrob zrobic "
    "ugotowac ugotuj upiec mam mamy moge mozna dzis dzisiaj jutro propozycja zaproponuj polec poleci "
    "something recipe recipes dish meal make cook idea ideas suggest for me my some what can today "
    "bez without".split()
)


@dataclass(frozen=True)
class RecipeSuggestion:
    recipe: Recipe
    uses: list[str] = field(default_factory=list)
    expiring_used: int = 0
    missing: list[str] = field(default_factory=list)
    score: float = 0.0
    expiring: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecipeQuery:
    """A free-text query split into ingredient words, meals, dish tags and diet tags."""

    terms: tuple[str, ...] = ()
    meals: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    diet_tags: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> RecipeQuery:
        if not text:
            return cls()
        terms: list[str] = []
        meals: set[str] = set()
        tags: set[str] = set()
        diets: set[str] = set()
        words = text.lower().replace("-", " ").split()
        # "bez glutenu" / "bez mięsa" are diet words, not "without"-ingredient searches.
        nexts = [*words[1:], ""]
        joined = [a + b if fold(a) == "bez" else a for a, b in zip(words, nexts, strict=True)]
        for word in joined:
            folded = fold(word)
            diet = next((tag for prefix, tag in _DIET_PREFIXES if folded.startswith(prefix)), None)
            if diet:
                diets.add(diet)
                continue
            if folded.strip("?!.,;:") in _FILLER:
                continue
            for token in key_tokens(word):
                kind = _QUERY_WORDS.get(token)
                if kind and kind[0] == "meal":
                    meals.add(kind[1])
                elif kind:
                    tags.add(kind[1])
                elif token not in _FILLER:
                    terms.append(token)
        return cls(tuple(dict.fromkeys(terms)), frozenset(meals), frozenset(tags), frozenset(diets))

    def __bool__(self) -> bool:
        return bool(self.terms or self.meals or self.tags or self.diet_tags)


def _recipe_tokens(recipe: Recipe) -> set[str]:
    tokens = set(key_tokens(recipe.title))
    for ingredient in recipe.ingredients:
        tokens.update(key_tokens(ingredient.normalized))
        tokens.update(key_tokens(ingredient.name))
    return tokens


def _term_hits(query: RecipeQuery, recipe: Recipe) -> int:
    tokens = _recipe_tokens(recipe)
    hits = 0
    for term in query.terms:
        if term in tokens or (
            len(term) >= 5 and any(t.startswith(term) or term.startswith(t) for t in tokens if len(t) >= 5)
        ):
            hits += 1
    return hits


def check_diet_tags(diet_tags: Iterable[str]) -> tuple[str, ...]:
    tags = tuple(dict.fromkeys(diet_tags))
    unknown = [t for t in tags if t not in DIET_TAGS]
    if unknown:
        raise InvalidInput(f"unknown diet tag(s): {', '.join(unknown)}; known: {', '.join(DIET_TAGS)}")
    return tags


def assess(
    recipe: Recipe, stock: Sequence[StockItem] | StockIndex, today: date, soon_days: int = SOON_DAYS
) -> RecipeSuggestion:
    """Which pantry items a recipe would use (each item once, soonest-expiring first) and what it lacks."""
    index = stock if isinstance(stock, StockIndex) else StockIndex(stock)
    taken: set[str] = set()
    uses: list[str] = []
    expiring: list[str] = []
    missing: list[str] = []
    required = 0
    covered = 0
    for ingredient in recipe.ingredients:
        if ingredient.staple:
            continue
        if not ingredient.optional:
            required += 1
        item = next(
            (s for s in index.matching(ingredient.normalized) if s.id not in taken and not s.expired(today)),
            None,
        )
        if item is None:
            if not ingredient.optional:
                missing.append(ingredient.normalized)
            continue
        taken.add(item.id)
        uses.append(item.name)
        covered += 0 if ingredient.optional else 1
        if item.expiring(today, soon_days):
            expiring.append(item.name)
    coverage = covered / required if required else 1.0
    score = round(len(expiring) + coverage, 4)
    return RecipeSuggestion(
        recipe=recipe,
        uses=uses,
        expiring_used=len(expiring),
        missing=missing,
        score=score,
        expiring=expiring,
    )


def rank_recipes(
    recipes: Iterable[Recipe],
    stock: Sequence[StockItem],
    today: date,
    *,
    diet_tags: Iterable[str] = (),
    query: str | None = None,
    soon_days: int = SOON_DAYS,
) -> list[RecipeSuggestion]:
    """Every recipe that fits the diet and the query, best first: most soon-expiring items used, fewest missing
    ingredients, most pantry items used, then the soonest expiry among the items it saves; a text query's
    matches come before the rest of that order."""
    diet = set(check_diet_tags(diet_tags))
    parsed = RecipeQuery.parse(query)
    diet |= parsed.diet_tags
    stock = edible(stock, today)
    soonest = {s.name: s.expires_at for s in stock if s.expires_at is not None}
    index = StockIndex(stock)
    ranked: list[tuple[tuple[object, ...], RecipeSuggestion]] = []
    for position, recipe in enumerate(recipes):
        if not recipe.fits_diet(diet):
            continue
        if parsed.meals and recipe.meal not in parsed.meals:
            continue
        if parsed.tags and not parsed.tags <= set(recipe.tags):
            continue
        hits = _term_hits(parsed, recipe) if parsed.terms else 0
        if parsed.terms and hits == 0:
            continue
        suggestion = assess(recipe, index, today, soon_days)
        first_expiry = min((soonest[n] for n in suggestion.expiring if n in soonest), default=date.max)
        key = (
            -hits,
            -suggestion.expiring_used,
            len(suggestion.missing),
            -len(suggestion.uses),
            first_expiry,
            position,
        )
        ranked.append((key, suggestion))
    ranked.sort(key=lambda pair: pair[0])
    return [s for _, s in ranked]


def suggest_recipes(
    session: Session,
    user_id: str,
    today: date,
    *,
    limit: int = 5,
    diet_tags: Iterable[str] = (),
    query: str | None = None,
    offset: int = 0,
    catalog: RecipeCatalog | None = None,
) -> list[RecipeSuggestion]:
    """The user's best recipes for today (see `rank_recipes`)."""
    ranked = rank_recipes(
        (catalog or RecipeCatalog.default()).all(),
        load_stock(session, user_id),
        today,
        diet_tags=diet_tags,
        query=query,
    )
    return ranked[offset : offset + limit]
