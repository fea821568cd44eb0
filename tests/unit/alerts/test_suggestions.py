"""Recipe suggestions for an expiring item: from the bundled corpus, never failing a run."""

from __future__ import annotations

from foodsave.alerts.suggestions import corpus_suggestions, ingredient_matches, suggest


def test_inflected_polish_names_match_the_ingredient():
    assert ingredient_matches("jajko", "jajka wiejskie")
    assert ingredient_matches("mleko", "mleko")
    assert ingredient_matches("płatki owsiane", "płatki owsiane górskie")
    assert not ingredient_matches("płatki owsiane", "płatki kukurydziane")
    assert not ingredient_matches("masło", "maślanka")
    assert not ingredient_matches("ryż", "ryba")


def test_corpus_suggests_at_most_three_recipes_that_use_the_item():
    recipes = corpus_suggestions("banan")
    assert 1 <= len(recipes) <= 3
    assert all({"id", "title"} <= r.keys() for r in recipes)
    assert any("banan" in r["title"].lower() for r in recipes)


def test_an_item_no_recipe_uses_gets_no_suggestions():
    assert corpus_suggestions("płyn do naczyń") == []


def test_a_failing_suggester_gives_an_empty_list_instead_of_an_error():
    def broken(name: str):
        raise RuntimeError("catalogue down")

    assert suggest("mleko", broken) == []
