"""Categoriser accuracy on receipt-style names: the dev set written with the lexicon, and the held-out set
written independently (never used for tuning). Baseline in the same run: exact-word lexicon lookup only."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

from foodsave.categories.categorize import Categorizer
from foodsave.text import fold

DATA = Path(__file__).parent / "data"
RESULTS = Path(__file__).parent / "results"


def load(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [(row["name"], row["category"]) for row in csv.DictReader(f)]


def baseline(categorizer: Categorizer, name: str) -> str:
    """Whole-word lexicon lookup, first hit wins: what matching without stems, fuzz or n-grams gives."""
    for word in fold(name).split():
        entry = categorizer.single.get(word.strip(".,"))
        if entry is not None:
            return entry.category
    return "other"


def evaluate(categorizer: Categorizer, rows: list[tuple[str, str]]) -> dict[str, object]:
    t0 = time.perf_counter()
    predictions = [categorizer.categorize(name)[0] for name, _ in rows]
    elapsed = time.perf_counter() - t0
    correct = sum(p == gold for p, (_, gold) in zip(predictions, rows, strict=True))
    base = sum(baseline(categorizer, name) == gold for name, gold in rows)
    errors = Counter(f"{gold}->{p}" for p, (_, gold) in zip(predictions, rows, strict=True) if p != gold)
    return {
        "n": len(rows),
        "accuracy": round(correct / len(rows), 4),
        "baseline_accuracy": round(base / len(rows), 4),
        "ratio_vs_baseline": round(correct / base, 2) if base else None,
        "ms_per_name": round(1000 * elapsed / len(rows), 3),
        "top_confusions": errors.most_common(8),
    }


def main() -> int:
    categorizer = Categorizer()
    report: dict[str, object] = {"dev": evaluate(categorizer, load(DATA / "categorizer_dev.csv"))}
    heldout = DATA / "categorizer_heldout.csv"
    if heldout.exists():
        report["heldout"] = evaluate(Categorizer(), load(heldout))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "categorizer.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
