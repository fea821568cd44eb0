"""The retrieval evaluation keeps its held-out splits apart (answerable questions, and questions the documents
do not answer): frozen once written, no question shared with the dev split on which rankings, weights, the
relevance floor and the lexicon are tuned, every label naming a real document."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "benchmarks" / "data"
# The held-out split was written before any tuning against it; a changed file is a new split, not an edit.
UNANSWERABLE_HELDOUT_SHA256 = "58d54fbb0722a4965444730e74c953f9d3b415d9b53809951fa4982ef40e50cc"
HELDOUT_SHA256 = "6451b3e4327e61ccf91414b3dd1875c6b260d20e0b0786e7bff4a5b1db928059"


def rows(split: str, prefix: str = "retrieval_eval") -> list[dict[str, object]]:
    path = DATA / f"{prefix}_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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
    dev = {normalised(r["query"]) for r in rows("dev")}
    assert not dev & {normalised(r["query"]) for r in rows("heldout")}


def test_every_label_names_an_evaluation_document() -> None:
    ids = {row["id"] for row in rows("docs")}
    labels = {label for split in ("dev", "heldout") for r in rows(split) for label in r["relevant"]}  # type: ignore[attr-defined]
    assert labels <= ids


def test_the_heldout_split_asks_in_both_languages() -> None:
    languages = [r["lang"] for r in rows("heldout")]
    assert languages.count("en") >= len(languages) // 3
    assert languages.count("pl") >= len(languages) // 3
