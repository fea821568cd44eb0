"""Intent routing accuracy per intent: on a stratified held-out split of the labelled set (model retrained on the
rest, fixed seed) and, when present, on benchmarks/data/intents_heldout.jsonl written independently (shipped model).
Baseline in the same run: a majority-class router. Prints JSON and writes benchmarks/results/intents.json."""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from record import write

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent
HELDOUT = ROOT / "data" / "intents_heldout.jsonl"
TARGET = 0.92


def load_rows(path: Path) -> list[dict[str, str]]:
    from foodsave.agents.text import detect_language

    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text = str(row.get("text") or row.get("message") or "")
        intent = str(row.get("intent") or row.get("label") or "")
        rows.append({"text": text, "intent": intent, "lang": str(row.get("lang") or detect_language(text))})
    return rows


def score(rows: list[dict[str, str]], predict: Any) -> dict[str, Any]:
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    by_lang_ok: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    confusion: Counter[str] = Counter()
    errors = []
    for row in rows:
        got = predict(row["text"])
        total[row["intent"]] += 1
        by_lang[row["lang"]] += 1
        if got == row["intent"]:
            ok[row["intent"]] += 1
            by_lang_ok[row["lang"]] += 1
        else:
            confusion[f"{row['intent']}->{got}"] += 1
            errors.append({"text": row["text"], "expected": row["intent"], "got": got})
    n = sum(total.values()) or 1
    return {
        "n": sum(total.values()),
        "accuracy": round(sum(ok.values()) / n, 4),
        "per_intent": {k: round(ok[k] / total[k], 4) for k in sorted(total)},
        "per_language": {k: round(by_lang_ok[k] / by_lang[k], 4) for k in sorted(by_lang)},
        "top_confusions": dict(confusion.most_common(8)),
        "errors": errors[:40],
    }


def main() -> int:
    from foodsave.agents.classifier import default_model
    from foodsave.agents.router import route
    from foodsave.agents.train import load_examples, stratified_split, train_model

    started = time.perf_counter()
    rows = load_examples()
    train, test = stratified_split(rows)
    print(f"training on {len(train)} messages, testing on {len(test)}", file=sys.stderr)
    split_model = train_model(train)
    majority = Counter(r["intent"] for r in train).most_common(1)[0][0]
    result: dict[str, Any] = {
        "target": TARGET,
        "dataset": {
            "messages": len(rows),
            "intents": dict(sorted(Counter(r["intent"] for r in rows).items())),
        },
        "split": {
            "train": len(train),
            "test": len(test),
            "router": score(test, lambda t: route(t, model=split_model).intent),
            "model_only": score(test, lambda t: split_model.predict(t).intent),
            "baseline_majority": score(test, lambda _t: majority)["accuracy"],
        },
    }
    if HELDOUT.exists():
        held = load_rows(HELDOUT)
        seen = {" ".join(r["text"].lower().split()) for r in rows}
        result["heldout_messages_also_in_training"] = sum(
            " ".join(r["text"].lower().split()) in seen for r in held
        )
        print(f"independent held-out set: {len(held)} messages", file=sys.stderr)
        shipped = default_model()
        result["independent"] = {
            "router": score(held, lambda t: route(t).intent),
            "model_only": score(held, lambda t: shipped.predict(t).intent),
            "baseline_majority": score(held, lambda _t: majority)["accuracy"],
        }
    else:
        result["independent"] = None
    result["seconds"] = round(time.perf_counter() - started, 2)
    write("intents", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
