"""The intent model's training data and the independent held-out set never share a message."""

from __future__ import annotations

import json
from pathlib import Path

from foodsave.agents.classifier import DATASET_PATH

HELDOUT = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "intents_heldout.jsonl"


def _texts(path: Path) -> set[str]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {" ".join(row["text"].lower().split()) for row in rows}


def test_no_held_out_message_appears_verbatim_in_the_training_data():
    assert _texts(HELDOUT) & _texts(DATASET_PATH) == set()
