"""Recipe suggestions for an expiring item: the kitchen catalogue when it is installed, otherwise a small
lookup over the bundled recipe corpus. Suggestions are a courtesy: any failure gives an empty list."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from foodsave.observability import logger

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "recipes.jsonl"
MAX_SUGGESTIONS = 3
Suggester = Callable[[str], list[dict[str, Any]]]


def ingredient_matches(ingredient: str, item_name: str) -> bool:
    """The pantry item is the ingredient (same head noun and qualifiers, inflection and synonyms allowed)."""
    from foodsave.pantry.matching import matches

    return matches(ingredient, item_name)


@lru_cache(maxsize=1)
def _corpus(path: Path = CORPUS) -> tuple[dict[str, Any], ...]:
    with path.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def corpus_suggestions(normalized_name: str, limit: int = MAX_SUGGESTIONS) -> list[dict[str, Any]]:
    """Recipes from the bundled corpus that use the item, main ingredient first, then the quickest."""
    scored = []
    for recipe in _corpus():
        for ingredient in recipe.get("ingredients", []):
            if ingredient_matches(
                str(ingredient.get("normalized") or ingredient.get("name", "")), normalized_name
            ):
                scored.append(
                    (
                        bool(ingredient.get("optional")),
                        int(recipe.get("time_minutes") or 999),
                        recipe["id"],
                        recipe,
                    )
                )
                break
    scored.sort(key=lambda s: s[:3])
    return [_summary(r) for *_, r in scored[:limit]]


def _summary(recipe: Any) -> dict[str, Any]:
    get = recipe.get if isinstance(recipe, dict) else (lambda k, d=None: getattr(recipe, k, d))
    out: dict[str, Any] = {"id": str(get("id")), "title": str(get("title", ""))}
    minutes = get("time_minutes")
    if minutes is not None:
        out["time_minutes"] = int(minutes)
    return out


def _catalog_suggester() -> Suggester:
    from foodsave.recipes.catalog import RecipeCatalog

    catalog = RecipeCatalog.default()
    return lambda name: [_summary(r) for r in list(catalog.matching(name))[:MAX_SUGGESTIONS]]


_suggester: Suggester | None = None


def default_suggester() -> Suggester:
    """The kitchen catalogue, else (when it cannot be loaded) the corpus lookup; chosen once per container."""
    global _suggester
    if _suggester is None:
        import foodsave.recipes.catalog  # noqa: F401 - a missing module fails loudly, not as a fallback

        try:
            _suggester = _catalog_suggester()
        except Exception:  # noqa: BLE001 - a broken catalogue falls back to the corpus
            logger.exception("recipe catalogue unavailable; using the bundled corpus")
            _suggester = corpus_suggestions
    return _suggester


def suggest(normalized_name: str, suggester: Suggester | None = None) -> list[dict[str, Any]]:
    """Up to three recipes using the item; never raises."""
    try:
        return list((suggester or default_suggester())(normalized_name))[:MAX_SUGGESTIONS]
    except Exception:  # noqa: BLE001 - a notification without recipes is still worth sending
        logger.warning("recipe suggestions unavailable", extra={"item": normalized_name})
        return []
