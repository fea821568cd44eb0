"""BM25 over chunks and reciprocal-rank fusion: rare words and numbers are found; fusion keeps every candidate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import foodsave
from foodsave.vectors import lexical
from foodsave.vectors.lexical import Bm25, query_terms, reciprocal_rank_fusion, score_fusion

CHUNKS = {
    1: "Glutaminian sodu E621 wzmacnia smak zup w proszku.",
    2: "Zupa pomidorowa z ryżem to klasyk polskiego obiadu.",
    3: "Zupy z proszku mają dużo soli i mało warzyw.",
    4: "Mleko 3,2% tłuszczu ma więcej witaminy A niż chude.",
}


def bm25() -> Bm25:
    return Bm25(list(CHUNKS), list(CHUNKS.values()))


def test_bm25_finds_a_chunk_by_its_additive_code() -> None:
    assert bm25().search("co to jest E621", 2)[0][0] == 1


def test_bm25_matches_inflected_polish_words() -> None:
    assert bm25().search("zupę pomidorową", 1)[0][0] == 2


def test_bm25_returns_nothing_when_no_word_is_shared() -> None:
    assert bm25().search("how long does bread keep", 5) == []


def test_bm25_finds_a_chunk_by_a_misspelt_word() -> None:
    assert bm25().search("pomidrowa", 1)[0][0] == 2


def test_a_misspelt_word_counts_in_coverage_as_the_word_it_is_taken_for() -> None:
    assert bm25().coverage("zupa pomidrowa", [2])[2] == 1.0


def test_ranking_and_coverage_of_one_question_look_its_misspellings_up_once(monkeypatch: Any) -> None:
    index = bm25()
    asked: list[str] = []
    real = lexical.unknown_words

    def counted(query: str, known: Any) -> list[str]:
        asked.append(query)
        return real(query, known)

    monkeypatch.setattr(lexical, "unknown_words", counted)
    index.search("zupa pomidrowa", 2)
    index.coverage("zupa pomidrowa", [2])
    index.search("mleko tłuszcz", 2)
    assert asked == ["zupa pomidrowa", "mleko tłuszcz"]


def test_a_word_the_dictionary_knows_is_not_taken_for_a_misspelling_of_an_index_word() -> None:
    # "dziwnie" lies one edit from the index's "dzień" but is a Polish word of its own.
    soup = Bm25([1], ["Zupa postoi dzień w lodówce."])
    assert soup.corrections("dziwnie pachnie") == {}


def test_a_misspelling_is_not_read_as_a_word_with_another_first_letter() -> None:
    assert bm25().corrections("omidorowa") == {}


def test_a_search_whose_words_the_index_holds_loads_neither_rapidfuzz_nor_the_spelling_table() -> None:
    code = (
        "import sys\n"
        "from foodsave.vectors import lexicon\n"
        "from foodsave.vectors.lexical import Bm25\n"
        "bm25 = Bm25([1], ['Zupa pomidorowa postoi dzień w lodówce.'])\n"
        "bm25.search('zupa pomidorowa w lodówce', 1)\n"
        "bm25.coverage('zupa pomidorowa', [1])\n"
        "print('rapidfuzz' in sys.modules, lexicon._spelt_right.cache_info().currsize)\n"
    )
    src = str(Path(foodsave.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == ["False", "0"]


def test_an_english_question_finds_the_word_beside_a_modal_not_a_phrase_across_it() -> None:
    oils = Bm25([1, 2], ["Olej rzepakowy.", "Oliwiarka."])
    assert [chunk for chunk, _ in oils.search("which oil can I use for frying", 2)] == [1]


@given(st.sampled_from("glutaminian sodu wzmacnia pomidorowa ryżem klasyk polskiego obiadu witaminy".split()))
def test_a_word_the_index_contains_is_never_corrected(word: str) -> None:
    assert bm25().corrections(word) == {}


def test_an_english_word_with_many_senses_counts_once_in_a_chunk() -> None:
    # "keep": przechowywać, trzymać, utrzymanie; "butter": masło.
    chunks = Bm25([1, 2, 3], ["Przechowywać, trzymać, utrzymanie.", "Trzymać masło.", "Zupa z proszku."])
    assert [chunk for chunk, _ in chunks.search("keep butter", 3)] == [2, 1]


def test_bm25_ranks_a_rare_word_above_a_common_one() -> None:
    ranked = [chunk for chunk, _ in bm25().search("zupy witaminy", 4)]
    assert ranked[0] == 4


def test_fusion_puts_an_item_found_by_both_rankings_above_items_found_by_one() -> None:
    assert reciprocal_rank_fusion([[1, 2, 3], [4, 2, 5]], [1.0, 1.0])[0] == 2


def test_fusion_with_zero_weight_keeps_the_first_ranking_order() -> None:
    assert reciprocal_rank_fusion([[3, 1, 2], [2, 1]], [1.0, 0.0]) == [3, 1, 2]


rankings = st.lists(st.lists(st.integers(0, 30), unique=True, max_size=12), min_size=1, max_size=3)


@given(rankings, st.data())
def test_fusion_orders_exactly_the_union_of_its_inputs(lists: list[list[int]], data: st.DataObject) -> None:
    weights = data.draw(st.lists(st.floats(0.0, 3.0), min_size=len(lists), max_size=len(lists)))
    fused = reciprocal_rank_fusion(lists, weights)
    assert sorted(fused) == sorted({item for ranking in lists for item in ranking})


@given(rankings)
def test_an_item_first_in_every_ranking_comes_first(lists: list[list[int]]) -> None:
    top = 99
    fused = reciprocal_rank_fusion([[top, *ranking] for ranking in lists], [1.0] * len(lists))
    assert fused[0] == top


def test_an_english_question_finds_polish_text_through_the_food_glossary() -> None:
    index = Bm25(
        [1, 2], ["Skrystalizowany miód ogrzej w kąpieli wodnej.", "Twaróg z pleśnią wyrzuć w całości."]
    )
    assert index.search("mouldy cottage cheese", 2)[0][0] == 2
    assert [chunk for chunk, _ in index.search("honey", 2)] == [1]


scores = st.dictionaries(st.integers(0, 30), st.floats(0.0, 1.0), max_size=12)


@given(scores, scores, st.floats(0.0, 3.0))
def test_score_fusion_orders_exactly_the_union_of_its_inputs(
    dense: dict[int, float], lexical: dict[int, float], weight: float
) -> None:
    assert sorted(score_fusion(dense, lexical, weight)) == sorted({*dense, *lexical})


@given(scores, scores, scores)
def test_an_item_best_on_every_side_comes_first_in_the_score_sum(
    dense: dict[int, float], lexical: dict[int, float], ngrams: dict[int, float]
) -> None:
    top = 99
    fused = score_fusion({**dense, top: 2.0}, {**lexical, top: 2.0}, 1.0, {**ngrams, top: 2.0}, 0.5)
    assert fused[0] == top


def test_score_fusion_without_lexical_weight_keeps_the_dense_order() -> None:
    assert score_fusion({1: 0.2, 2: 0.9, 3: 0.5}, {1: 9.0}, 0.0) == [2, 3, 1]


def test_coverage_is_full_when_the_chunk_has_every_word_of_the_question() -> None:
    assert bm25().coverage("zupa pomidorowa", [2])[2] == 1.0


def test_coverage_is_zero_when_the_chunk_shares_no_word() -> None:
    assert bm25().coverage("glutaminian sodu", [4]) == {4: 0.0}


def test_coverage_counts_the_translations_of_an_english_question() -> None:
    assert bm25().coverage("tomato soup", [2])[2] > 0.0


def test_coverage_is_full_when_the_chunk_has_a_translation_of_every_english_word() -> None:
    assert bm25().coverage("rice soup", [2])[2] == 1.0


def test_coverage_counts_a_repeated_word_once() -> None:
    assert bm25().coverage("zupa zupa glutaminian", [2]) == bm25().coverage("zupa glutaminian", [2])


def test_a_word_the_index_has_never_seen_weighs_more_than_a_known_word_the_chunk_lacks() -> None:
    # "glutaminian" and "mleko" occur in one chunk each, "kalafior" in none.
    assert (
        bm25().coverage("glutaminian kalafior", [1])[1] < bm25().coverage("glutaminian mleko", [1])[1] == 0.5
    )


def test_bm25_finds_a_polish_question_phrased_with_a_synonym() -> None:
    jam = Bm25([1, 2], ["Otwarty dżem trzymaj w lodówce.", "Otwarty sos trzymaj w lodówce."])
    assert jam.search("otwarta konfitura", 1)[0][0] == 1


def test_an_english_question_is_not_expanded_with_polish_synonyms() -> None:
    assert "powidl" not in query_terms("how long does an opened konfitura keep in the fridge")


def test_coverage_counts_a_polish_word_found_through_its_synonym() -> None:
    jam = Bm25([1, 2], ["Otwarty dżem trzymaj w lodówce.", "Otwarty sos trzymaj w lodówce."])
    assert jam.coverage("konfitura", [1, 2]) == {1: 1.0, 2: 0.0}
