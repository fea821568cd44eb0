"""The bundled recipe catalog: loading, tolerance of a corpus still being written, lookups."""

from __future__ import annotations

import json
import os

import pytest

from foodsave.errors import NotFound
from foodsave.recipes.catalog import CORPUS, RecipeCatalog, _CachedCatalog
from tests.unit.kitchen.factories import ing, recipe

LINE = {
    "id": "t1",
    "title": "Omlet",
    "lang": "pl",
    "servings": 1,
    "time_minutes": 10,
    "meal": "breakfast",
    "tags": ["vegetarian"],
    "ingredients": [
        {
            "name": "jajka",
            "normalized": "jajko",
            "quantity": 2,
            "unit": "szt",
            "optional": False,
            "category": "dairy",
        },
        {
            "name": "sól",
            "normalized": "sól",
            "quantity": 1,
            "unit": "szczypta",
            "optional": False,
            "category": "condiments",
        },
        {
            "name": "szczypiorek",
            "normalized": "szczypiorek",
            "quantity": 1,
            "unit": "łyżka",
            "optional": True,
            "category": "vegetables",
        },
    ],
    "steps": ["Roztrzep", "Usmaż"],
    "description": "Szybki omlet.",
}


def test_missing_corpus_gives_an_empty_catalog(tmp_path):
    assert len(RecipeCatalog.from_path(tmp_path / "absent.jsonl")) == 0


def test_blank_malformed_and_half_written_lines_are_skipped():
    lines = [json.dumps(LINE), "", "{not json", '{"title": "no id"}', json.dumps(LINE)[:40]]
    catalog = RecipeCatalog.from_lines(lines)
    assert [r.id for r in catalog] == ["t1"]


def test_required_ingredients_leave_out_staples_and_optional_ones():
    omlet = RecipeCatalog.from_lines([json.dumps(LINE)]).get("t1")
    assert [i.normalized for i in omlet.required] == ["jajko"]


def test_cached_catalog_picks_up_a_corpus_that_appears_or_changes(tmp_path):
    path = tmp_path / "recipes.jsonl"
    cache = _CachedCatalog()
    assert len(cache.get(path)) == 0
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    assert [r.id for r in cache.get(path)] == ["t1"]
    path.write_text(json.dumps(LINE) + "\n" + json.dumps({**LINE, "id": "t2"}) + "\n", encoding="utf-8")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))
    assert [r.id for r in cache.get(path)] == ["t1", "t2"]


def test_unknown_recipe_id_is_not_found():
    with pytest.raises(NotFound):
        RecipeCatalog.from_lines([json.dumps(LINE)]).get("nope")


def test_matching_finds_recipes_by_an_inflected_pantry_name():
    catalog = RecipeCatalog(
        (recipe("a", ing("mleko")), recipe("b", ing("pomidor")), recipe("c", ing("mleko kokosowe")))
    )
    assert [r.id for r in catalog.matching("Mleka")] == ["a"]


def test_a_vegan_recipe_is_also_vegetarian():
    vegan = recipe("v", ing("ryż"), tags=("vegan",))
    assert vegan.fits_diet(["vegetarian"])
    assert not recipe("m", ing("schab")).fits_diet(["vegetarian"])


@pytest.mark.skipif(not CORPUS.is_file(), reason="bundled corpus not present")
def test_bundled_corpus_has_unique_ids_known_meals_and_ingredients():
    catalog = RecipeCatalog.default()
    assert len(catalog) >= 20
    assert len({r.id for r in catalog}) == len(catalog)
    assert all(r.ingredients and r.title for r in catalog)
