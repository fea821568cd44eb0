"""Kitchen API fixtures: a small recipe catalog in place of the bundled corpus, and pantry helpers."""

from __future__ import annotations

import json

import pytest

from foodsave.recipes.catalog import RecipeCatalog


def _r(rid, title, meal, tags, *ingredients):
    return json.dumps(
        {
            "id": rid,
            "title": title,
            "lang": "pl",
            "servings": 2,
            "time_minutes": 15,
            "meal": meal,
            "tags": list(tags),
            "ingredients": [
                {"name": n, "normalized": n, "quantity": q, "unit": u, "optional": False, "category": c}
                for n, q, u, c in ingredients
            ],
            "steps": ["Przygotuj.", "Podaj."],
            "description": title,
        },
        ensure_ascii=False,
    )


LINES = [
    _r("k1", "Koktajl szpinakowy", "breakfast", ["vegan", "vegetarian", "gluten_free"],
       ("szpinak", 100, "g", "vegetables"), ("banan", 1, "szt", "fruit")),
    _r("k2", "Jajecznica", "breakfast", ["vegetarian", "gluten_free"],
       ("jajko", 3, "szt", "dairy"), ("masło", 1, "łyżka", "dairy"), ("sól", 1, "szczypta", "condiments")),
    _r("k3", "Owsianka na mleku", "breakfast", ["vegetarian"],
       ("płatki owsiane", 80, "g", "dry_goods"), ("mleko", 300, "ml", "dairy")),
    _r("k4", "Makaron z pomidorami", "dinner", ["vegetarian"],
       ("makaron", 200, "g", "dry_goods"), ("pomidor", 3, "szt", "vegetables"), ("cebula", 1, "szt", "vegetables")),
    _r("k5", "Kurczak z ryżem", "dinner", [],
       ("pierś z kurczaka", 300, "g", "meat"), ("ryż", 150, "g", "dry_goods")),
    _r("k6", "Curry z ciecierzycy", "dinner", ["vegan", "vegetarian", "gluten_free"],
       ("ciecierzyca w puszce", 400, "g", "canned"), ("szpinak", 100, "g", "vegetables"),
       ("mleko kokosowe", 200, "ml", "canned")),
    _r("k7", "Placki ziemniaczane", "dinner", ["vegetarian"],
       ("ziemniak", 6, "szt", "vegetables"), ("jajko", 1, "szt", "dairy"), ("mąka pszenna", 2, "łyżka", "dry_goods")),
]  # fmt: skip


@pytest.fixture
def kitchen_catalog(monkeypatch):
    """Routes see this seven-recipe catalog instead of the bundled corpus."""
    catalog = RecipeCatalog.from_lines(LINES)
    monkeypatch.setattr(RecipeCatalog, "default", classmethod(lambda cls: catalog))
    return catalog
