"""Train the intent model offline from the labelled set and write the weights file, deterministically:
`python -m foodsave.agents.train [--data intents.jsonl] [--out intent_model.json]`."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foodsave.agents.classifier import DATASET_PATH, INTENTS, MODEL_PATH, LinearIntentModel, feature_counts

SEED = 20240605
L2 = 3e-4
EPOCHS = 400
LEARNING_RATE = 0.5
MIN_DF = 2


def load_examples(path: Path = DATASET_PATH) -> list[dict[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append({"text": row["text"], "intent": row["intent"], "lang": row.get("lang", "")})
    return rows


def stratified_split(
    rows: Sequence[dict[str, str]], test_fraction: float = 0.2, seed: int = SEED
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Per (intent, language) stratum, a fixed-seed shuffle and a `test_fraction` cut."""
    strata: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        strata[(row["intent"], row["lang"])].append(row)
    rng = random.Random(seed)
    train, test = [], []
    for key in sorted(strata):
        group = list(strata[key])
        rng.shuffle(group)
        cut = max(1, round(len(group) * test_fraction))
        test.extend(group[:cut])
        train.extend(group[cut:])
    return train, test


def train_model(rows: Sequence[dict[str, str]], *, epochs: int = EPOCHS, l2: float = L2) -> LinearIntentModel:
    """Multinomial logistic regression, full-batch gradient descent with momentum (deterministic)."""
    import numpy as np

    labels = list(INTENTS)
    feats = [feature_counts(r["text"]) for r in rows]
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f.keys())
    vocab = sorted(k for k, n in df.items() if n >= MIN_DF or k.startswith("w:"))
    index = {k: i for i, k in enumerate(vocab)}
    x = np.zeros((len(rows), len(vocab)), dtype=np.float64)
    for i, f in enumerate(feats):
        for k, v in f.items():
            j = index.get(k)
            if j is not None:
                x[i, j] = v
    y = np.zeros((len(rows), len(labels)), dtype=np.float64)
    for i, r in enumerate(rows):
        y[i, labels.index(r["intent"])] = 1.0
    w = np.zeros((len(vocab), len(labels)))
    b = np.zeros(len(labels))
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    n = len(rows)
    for _ in range(epochs):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = p - y
        gw = x.T @ grad / n + l2 * w
        gb = grad.mean(axis=0)
        vw = 0.9 * vw - LEARNING_RATE * gw * 10
        vb = 0.9 * vb - LEARNING_RATE * gb
        w += vw
        b += vb
    weights = {k: [round(float(v), 4) for v in w[i]] for k, i in index.items() if np.abs(w[i]).max() >= 1e-3}
    return LinearIntentModel(labels, [round(float(v), 4) for v in b], weights)


def save_model(model: LinearIntentModel, path: Path = MODEL_PATH) -> None:
    payload: dict[str, Any] = {
        "version": 1,
        "labels": list(model.labels),
        "bias": model.bias,
        "weights": dict(sorted(model.weights.items())),
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="train the chat intent model")
    parser.add_argument("--data", type=Path, default=DATASET_PATH)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    # One BLAS thread: the same sums in the same order on every run, so the weights file is reproducible.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    rows = load_examples(args.data)
    model = train_model(rows)
    save_model(model, args.out)
    print(
        json.dumps({"examples": len(rows), "features": len(model.weights), "out": str(args.out)}),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
