"""The retrieval evaluation keeps its held-out splits apart (answerable questions, and questions the documents
do not answer): frozen once written, no question shared with the dev splits on which rankings, weights, the
relevance floor and the lexicon are tuned (the former held-out split is now one of them), every label naming a
real document."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "benchmarks" / "data"
# The held-out split was written before any tuning against it; a changed file is a new split, not an edit.
UNANSWERABLE_HELDOUT_SHA256 = "58d54fbb0722a4965444730e74c953f9d3b415d9b53809951fa4982ef40e50cc"
HELDOUT_SHA256 = "505cadcc6268570373e100489c1cdd866904c6c0928bf41f3547e62ac74ae68e"
DEV_SPLITS = ("dev", "dev_former_heldout")
# The fresh held-out split: documents and questions of its own, evaluated once after tuning.
FRESH_SHA256 = {
    "retrieval_fresh_docs.jsonl": "e91d865b75bcc30e950dc4edd19949a6390c7701da55e1bd6bf6e636f84631ea",
    "retrieval_fresh_heldout.jsonl": "862370b7f3489a3ce698cc2b05c75917b1c4cbc12a76d6e10ff4b27af223826d",
    "relevance_unanswerable_fresh_heldout.jsonl": "b1cfb086ae3b43ded94e19cc46a0733459fd3df39ef71eccab1071b26db38f9e",
}


# The first blind split: documents and questions written by someone who did not see the code; its results have
# been read and the glossary extended since, so it is reported as seen, not as held-out.
BLIND_SHA256 = {
    "retrieval_blind_docs.jsonl": "f0db1be244b7cb498d4c1890106e483ca5a94b1cfdb3cb5c288bd559e390e4ed",
    "retrieval_blind_heldout.jsonl": "bec74a71bad57a6fd582a2ab96ef84a5c6949e2ba2a2b2388be3ab7b76d7b19e",
    "relevance_unanswerable_blind_heldout.jsonl": "4cd69404e575d5e4731067d5777488d6ea8f894c882c524b01ed1186cbb03bba",
}

# The held-out split: written by another evaluator who saw neither the code, nor its tables, nor the other
# splits; evaluated once after tuning, never used for choosing.
BLIND2_SHA256 = {
    "retrieval_blind2_docs.jsonl": "7671539664266b6cdd0ed8339030c844540be3b8418fc0fff8f3e3243e3a52ab",
    "retrieval_blind2_heldout.jsonl": "0010d29dc01586cdccbedaea3f57fbe97c8dc2d335130a8b1b94c2ad323ab5e9",
    "relevance_unanswerable_blind2_heldout.jsonl": "4d311f90a2867a8fb62da11733a5d6cd50098d7da109b1a04cc086bd6dd9429c",
}
# Every split whose questions a choice may have been made on.
CHOSEN_ON = [
    ("dev", "retrieval_eval"),
    ("dev_former_heldout", "retrieval_eval"),
    ("dev_typed", "retrieval_eval"),
    ("heldout", "retrieval_eval"),
    ("heldout", "retrieval_fresh"),
    ("heldout", "retrieval_blind"),
    ("questions", "retrieval_dev3"),
    ("questions", "retrieval_dev4"),
    ("queries", "retrieval"),
    ("dev", "relevance_unanswerable"),
    ("heldout", "relevance_unanswerable"),
    ("fresh_heldout", "relevance_unanswerable"),
    ("blind_heldout", "relevance_unanswerable"),
    ("dev4", "relevance_unanswerable"),
]


def rows(split: str, prefix: str = "retrieval_eval") -> list[dict[str, object]]:
    path = DATA / f"{prefix}_{split}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def digests(names: Iterable[str]) -> dict[str, str]:
    """The SHA-256 of each named data file."""
    return {name: hashlib.sha256((DATA / name).read_bytes()).hexdigest() for name in names}


def normalised(query: object) -> str:
    return " ".join(str(query).lower().split())


def test_the_heldout_split_is_frozen() -> None:
    digest = hashlib.sha256((DATA / "retrieval_eval_heldout.jsonl").read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256


def test_the_heldout_questions_without_an_answer_are_frozen() -> None:
    digest = hashlib.sha256((DATA / "relevance_unanswerable_heldout.jsonl").read_bytes()).hexdigest()
    assert digest == UNANSWERABLE_HELDOUT_SHA256


def test_no_question_without_an_answer_is_in_both_dev_and_heldout() -> None:
    dev = {normalised(r["query"]) for r in rows("dev", "relevance_unanswerable")}
    assert not dev & {normalised(r["query"]) for r in rows("heldout", "relevance_unanswerable")}


def test_no_question_is_in_both_dev_and_heldout() -> None:
    dev = {normalised(r["query"]) for split in DEV_SPLITS for r in rows(split)}
    assert not dev & {normalised(r["query"]) for r in rows("heldout")}


def test_every_label_names_an_evaluation_document() -> None:
    ids = {row["id"] for row in rows("docs")}
    labels = {
        label
        for split in (*DEV_SPLITS, "dev_typed", "heldout")
        for r in rows(split)
        for label in r["relevant"]
    }  # type: ignore[attr-defined]
    assert labels <= ids


def test_the_heldout_split_asks_in_both_languages() -> None:
    languages = [r["lang"] for r in rows("heldout")]
    assert languages.count("en") >= len(languages) // 3
    assert languages.count("pl") >= len(languages) // 3


def test_the_heldout_split_asks_about_documents_no_dev_question_names() -> None:
    dev = {label for split in DEV_SPLITS for r in rows(split) for label in r["relevant"]}  # type: ignore[attr-defined]
    assert not dev & {label for r in rows("heldout") for label in r["relevant"]}  # type: ignore[attr-defined]


def test_no_typed_dev_question_is_in_a_heldout_split() -> None:
    typed = {normalised(r["query"]) for r in rows("dev_typed")}
    heldout = [*rows("heldout"), *rows("heldout", "retrieval_fresh")]
    assert not typed & {normalised(r["query"]) for r in heldout}


def test_the_blind_heldout_split_is_frozen() -> None:
    assert digests(BLIND_SHA256) == BLIND_SHA256


def test_every_blind_label_names_a_blind_document() -> None:
    blind = {row["id"] for row in rows("docs", "retrieval_blind")}
    assert {label for r in rows("heldout", "retrieval_blind") for label in r["relevant"]} <= blind  # type: ignore[attr-defined]


def test_the_fresh_heldout_split_is_frozen() -> None:
    assert digests(FRESH_SHA256) == FRESH_SHA256


def test_the_fresh_heldout_split_has_documents_of_its_own() -> None:
    fresh = {row["id"] for row in rows("docs", "retrieval_fresh")}
    assert not fresh & {row["id"] for row in rows("docs")}
    assert {label for r in rows("heldout", "retrieval_fresh") for label in r["relevant"]} <= fresh  # type: ignore[attr-defined]


def test_the_fresh_heldout_split_asks_at_least_forty_questions_per_language() -> None:
    languages = [r["lang"] for r in rows("heldout", "retrieval_fresh")]
    assert min(languages.count("pl"), languages.count("en")) >= 40


def test_no_fresh_heldout_question_is_in_a_dev_split() -> None:
    dev = {normalised(r["query"]) for split in DEV_SPLITS for r in rows(split)}
    dev |= {normalised(r["query"]) for r in rows("dev", "relevance_unanswerable")}
    fresh = {normalised(r["query"]) for r in rows("heldout", "retrieval_fresh")}
    fresh |= {normalised(r["query"]) for r in rows("fresh_heldout", "relevance_unanswerable")}
    assert not dev & fresh


def test_the_second_blind_heldout_split_is_frozen() -> None:
    assert digests(BLIND2_SHA256) == BLIND2_SHA256


def test_the_second_blind_split_has_documents_and_questions_of_its_own() -> None:
    """Its documents are searched as a collection of their own (an id may repeat another collection's); none of
    its questions is one a choice was made on."""
    ids = {row["id"] for row in rows("docs", "retrieval_blind2")}
    assert {label for r in rows("heldout", "retrieval_blind2") for label in r["relevant"]} <= ids  # type: ignore[attr-defined]
    seen = {normalised(r["query"]) for split, prefix in CHOSEN_ON for r in rows(split, prefix)}
    new = [*rows("heldout", "retrieval_blind2"), *rows("blind2_heldout", "relevance_unanswerable")]
    coinciding = sorted(seen & {normalised(r["query"]) for r in new})
    assert coinciding == []  # a failure shows only these, never the held-out questions themselves


def test_the_second_blind_split_asks_in_both_languages() -> None:
    for prefix, split in (("retrieval_blind2", "heldout"), ("relevance_unanswerable", "blind2_heldout")):
        languages = [r["lang"] for r in rows(split, prefix)]
        assert min(languages.count("pl"), languages.count("en")) >= 0.45 * len(languages)


@pytest.mark.parametrize("prefix", ["retrieval_dev3", "retrieval_dev4"])
def test_every_label_of_a_later_dev_split_names_one_of_its_documents(prefix: str) -> None:
    ids = {row["id"] for row in rows("docs", prefix)}
    assert {label for r in rows("questions", prefix) for label in r["relevant"]} <= ids  # type: ignore[attr-defined]


def test_the_blind_splits_are_reported_only_never_chosen_or_calibrated_on() -> None:
    from benchmarks.relevance_floor import CALIBRATION
    from benchmarks.retrieval import DEV_SETS, REPORTED

    assert {"blind_seen", "blind2_heldout"} <= set(REPORTED)
    assert not {"blind_seen", "blind2_heldout"} & {*DEV_SETS, *CALIBRATION}
