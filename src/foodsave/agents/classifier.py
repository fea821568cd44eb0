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

from foodsave.agents.text import words

INTENTS = (
    "pantry",
    "recipe",
    "meal_plan",
    "shopping",
    "receipt",
    "weather",
    "search",
    "documents",
    "general",
)
DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "intent_model.json"
DATASET_PATH = DATA_DIR / "intents.jsonl"
CHAR_NGRAMS = (2, 5)
_NUMBER = re.compile(r"^\d+([.,]\d+)?$")

# Domain lexicon: folded word prefixes per concept (Polish and English). Each concept is one feature, so the
# model generalises to words it never saw in a training sentence but that mean the same thing.
LEXICON: dict[str, tuple[str, ...]] = {
    "food": (
        "mlek", "mlek", "chleb", "bulk", "jogurt", "jaj", "jajk", "ser", "serek", "masl", "banan", "jabl", "pomidor",
        "ogork", "kurczak", "mies", "wedlin", "szynk", "kielbas", "ryz", "makaron", "ziemniak", "marchew", "cebul",
        "salat", "kefir", "smietan", "twarog", "sok", "owoc", "warzyw", "ryb", "losos", "tunczyk", "cukini", "papryk",
        "truskawk", "maliny", "jagod", "kasz", "mak", "cukier", "kaw", "herbat", "pieczyw", "wolowin", "wieprzowin",
        "milk", "bread", "yogurt", "yoghurt", "egg", "cheese", "butter", "banana", "apple", "tomato", "cucumber",
        "chicken", "meat", "ham", "sausage", "rice", "pasta", "potato", "carrot", "onion", "lettuce", "juice",
        "fruit", "vegetable", "fish", "salmon", "tuna", "zucchini", "pepper", "strawberr", "flour", "sugar",
        "coffee", "tea", "cream", "beef", "pork", "kefir",
    ),
    "consume": (
        "zjad", "zjedl", "zjedz", "wypil", "wypij", "zuzy", "skonczy", "ate", "eaten", "drank", "finished",
        "used", "consum",
    ),
    "discard": (
        "wyrzuc", "wylal", "wylej", "zepsu", "splesni", "zgnil", "zgnile", "kwasn", "threw", "thrown", "bin",
        "binned", "spoil", "rotten", "mould", "mold", "discard", "bad", "waste",
    ),
    "add": ("dodaj", "dopisz", "wrzuc", "wpisz", "dorzuc", "kupil", "add", "put", "bought", "log", "insert"),
    "storage": (
        "lodow", "spizarn", "zapas", "zamrazar", "szafk", "domu", "fridge", "pantry", "freezer", "cupboard",
        "stock", "home", "inventory",
    ),
    "expiry": (
        "koncz", "wazn", "termin", "przetermin", "psuj", "expir", "best", "before", "spoil", "soon", "niedlug",
        "szybko", "first",
    ),
    "cook": (
        "przepis", "ugotow", "gotow", "zrobi", "upiec", "upiek", "piec", "przyrzadz", "dani", "obiad", "kolacj",
        "sniadan", "deser", "zup", "pomysl", "recipe", "cook", "bake", "make", "dish", "dinner", "lunch",
        "breakfast", "dessert", "soup", "salad", "idea", "suggest", "zaproponuj", "polec", "slodk", "sweet",
    ),
    "diet": ("wegetarian", "wegan", "bezgluten", "vegetarian", "vegan", "gluten", "keto", "bezmies", "dieta", "diet"),
    "plan": (
        "plan", "zaplanuj", "jadlospis", "menu", "tydzien", "tygodn", "dni", "weekend", "rozpisz", "rozplanuj",
        "uloz", "week", "weekly", "days", "schedule", "prep", "organiz", "poniedzial", "monday", "jutro",
    ),
    "list": ("list", "zakup", "kupi", "buy", "grocer", "shopping", "odhacz", "tick", "remind", "przypomn"),
    "money": (
        "wyda", "wydatk", "koszt", "pieniad", "zaplac", "zl", "zlot", "spend", "spent", "expens", "cost", "money",
        "total", "budget", "paid", "pln", "ile", "much", "najwiec", "most",
    ),
    "merchant": (
        "biedronk", "lidl", "zabk", "auchan", "carrefour", "kaufland", "netto", "dino", "rossmann", "aldi",
        "stokrotk", "lewiatan", "tesco", "sklep", "shop", "store", "market",
    ),
    "receipt": (
        "paragon", "rachun", "skan", "zeskan", "ocr", "zdjec", "receipt", "scan", "photo", "przetworz",
        "processed", "wczyt", "rozpozna", "weryfik", "review", "confirm", "status",
    ),
    "weather": (
        "pogod", "prognoz", "deszcz", "pada", "padac", "parasol", "temperatur", "stopni", "wiatr", "wieje", "snieg",
        "burz", "slonecz", "slonc", "upal", "zimn", "ciepl", "mroz", "ubra", "kurtk", "grill", "weather",
        "forecast", "rain", "umbrella", "sunny", "sun", "snow", "wind", "storm", "temperature", "degree", "jacket",
        "hot", "cold", "warm", "outside", "zewnatrz", "bbq", "frost", "cloud", "chmur",
    ),
    "web": (
        "internet", "sieci", "necie", "google", "wygoogl", "wyszuk", "poszuk", "szukaj", "online", "web", "look",
        "kalori", "bialk", "witamin", "wiadomosc", "news", "promocj", "deal", "calori", "protein", "vitamin",
        "wynalaz", "invent", "stolic", "capital", "godzin", "hours", "artykul", "article", "cen", "price",
        "latest", "najnowsz", "aktualn", "current",
    ),
    "docs": (
        "dokument", "plik", "pdf", "instrukcj", "notatk", "note", "manual", "file", "document", "upload", "wgral",
        "wgran", "dietety", "wedlug", "according", "cytat", "zacytuj", "quote", "stresc", "summar", "guide",
        "poradnik", "gwaranc", "zalecen",
    ),
    "social": (
        "czesc", "hej", "siema", "witaj", "dzien", "dobry", "dzieki", "dziekuj", "pomoc", "pomoz", "help", "hello",
        "hi", "hey", "thanks", "thank", "bye", "widzenia", "joke", "dowcip", "zart", "wiersz", "poem", "jestes",
        "robot", "bot", "potrafisz", "morning", "ok", "okay", "super", "cool", "rozumiem", "understand",
    ),
    "inject": (
        "ignore", "zignoruj", "instrukcj", "instruction", "prompt", "system", "select", "drop", "table", "delete",
        "udawaj", "pretend", "dan", "restriction", "zasad", "uzytkownik", "users", "user",
    ),
}  # fmt: skip
_LEX_INDEX: dict[str, tuple[str, ...]] = {}
for _concept, _prefixes in LEXICON.items():
    for _prefix in _prefixes:
        _LEX_INDEX[_prefix] = (*_LEX_INDEX.get(_prefix, ()), _concept)
_LEX_MAX = max(len(p) for p in _LEX_INDEX)


def concepts(tokens: Iterable[str]) -> dict[str, int]:
    """How many tokens hit each lexicon concept (a token hits a concept when it starts with one of its prefixes;
    prefixes of two letters or fewer must match the whole token)."""
    hits: dict[str, int] = {}
    for token in tokens:
        seen: set[str] = set()
        for n in range(min(len(token), _LEX_MAX), 0, -1):
            found = _LEX_INDEX.get(token[:n])
            if found and (n > 3 or n == len(token)):
                seen.update(found)
        for concept in seen:
            hits[concept] = hits.get(concept, 0) + 1
    return hits


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
    for concept, count in concepts(tokens).items():
        feats["x:" + concept] = 2.0 * count
    if not tokens:
        feats["empty"] = 1.0
    # Sublinear counts, then unit length so long and short messages weigh alike.
    for key, value in feats.items():
        feats[key] = 1.0 + math.log(value) if value >= 1.0 else value
    norm = math.sqrt(sum(v * v for v in feats.values())) or 1.0
    return {k: v / norm for k, v in feats.items()}


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
