"""Intent classifier at run time: sparse features (folded char n-grams + word n-grams) scored by a small
linear model trained offline (`python -m foodsave.agents.train`); pure Python, no numpy on the chat path."""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from foodsave.agents.text import fold, words

INTENTS = ("pantry", "recipe", "meal_plan", "shopping", "receipt", "weather", "search", "documents", "general")
DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "intent_model.json"
DATASET_PATH = DATA_DIR / "intents.jsonl"
CHAR_NGRAMS = (2, 5)
_NUMBER = re.compile(r"^\d+([.,]\d+)?$")


def feature_counts(text: str) -> dict[str, float]:
    """Feature -> weight for one message, L2-normalised: char n-grams within word boundaries on folded text,
    word unigrams and bigrams (digits collapsed to `0`)."""
    tokens = ["0" if _NUMBER.match(t) else t for t in words(text)]
    feats: dict[str, float] = {}
    for token in tokens:
        feats["w:" + token] = feats.get("w:" + token, 0.0) + 1.0
        padded = f" {token} "
        lo, hi = CHAR_NGRAMS
        for n in range(lo, hi + 1):
            for i in range(0, max(len(padded) - n + 1, 0)):
                gram = "c:" + padded[i : i + n]
                feats[gram] = feats.get(gram, 0.0) + 0.5
    for a, b in zip(tokens, tokens[1:], strict=False):
        key = f"b:{a}_{b}"
        feats[key] = feats.get(key, 0.0) + 1.0
    if not tokens:
        feats["empty"] = 1.0
    # Sublinear counts, then unit length so long and short messages weigh alike.
    for key, value in feats.items():
        feats[key] = 1.0 + math.log(value) if value >= 1.0 else value
    norm = math.sqrt(sum(v * v for v in feats.values())) or 1.0
    return {k: v / norm for k, v in feats.items()}


def folded(text: str) -> str:
    return fold(text)


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    scores: dict[str, float]


class LinearIntentModel:
    """Multinomial logistic regression over sparse features: softmax(W·x + b)."""

    def __init__(self, labels: Iterable[str], bias: list[float], weights: Mapping[str, list[float]]) -> None:
        self.labels = tuple(labels)
        self.bias = list(bias)
        self.weights = dict(weights)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearIntentModel:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return cls(payload["labels"], payload["bias"], payload["weights"])

    def predict(self, text: str) -> Prediction:
        logits = list(self.bias)
        for feat, value in feature_counts(text).items():
            row = self.weights.get(feat)
            if row is not None:
                for j, w in enumerate(row):
                    logits[j] += w * value
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        probs = {label: e / total for label, e in zip(self.labels, exps, strict=True)}
        best = max(probs, key=probs.__getitem__)
        return Prediction(best, probs[best], probs)


_lock = threading.Lock()
_model: LinearIntentModel | None = None


def default_model() -> LinearIntentModel:
    """The shipped model, loaded once per warm container."""
    global _model
    with _lock:
        if _model is None:
            _model = LinearIntentModel.load()
        return _model
