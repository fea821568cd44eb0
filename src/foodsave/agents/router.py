"""Intent router: high-precision rules for the obvious cases, the offline linear classifier for the rest,
and the conversation context for short follow-ups ("a coś wegetariańskiego?" stays with the chef)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from foodsave.agents.classifier import INTENTS, LinearIntentModel, default_model
from foodsave.agents.text import has_letters, is_foreign
from foodsave.text import fold, words

AGENT_OF = {
    "pantry": "pantry",
    "recipe": "chef",
    "meal_plan": "planner",
    "shopping": "shopping",
    "receipt": "receipts",
    "weather": "weather",
    "search": "web",
    "documents": "documents",
    "general": "general",
}
assert set(AGENT_OF) == set(INTENTS)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Patterns run on folded text (no diacritics, lowercase).
INJECTION = _rx(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|rules|prompt|above)\b"
    r"|\b(zignoruj|pomin|zapomnij)\b.{0,40}\b(instrukcj\w*|polecen\w*|zasad\w*|prompt\w*)"
    r"|\bsystem ?prompt|\bprompt\w* systemow|\bjailbreak|\byou are now\b|\bjestes teraz\b|\bdan mode\b"
    r"|\b(pretend|act as if)\b.{0,30}\b(no|without)\b.{0,20}\b(rules|restrictions|limits)"
    r"|\budawaj\b.{0,40}\b(bez|innym)\b"
    r"|\b(other|another|innych?|innego)\b.{0,15}\b(users?|uzytkownik\w*)\b"
    r"|;\s*(drop|delete|truncate|update|insert)\b|\bunion\s+select\b|\bselect\b.+\bfrom\b|--\s*$|\bor\s+1\s*=\s*1\b"
    r"|<script\b|\{\{.*\}\}"
)
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "documents",
        _rx(
            r"\b(moich|moje|moj|mojej|moim|moja|wgran\w*|przeslan\w*)\s+(dokument\w*|plik\w*|pdf\w*|notat\w*|instrukcj\w*)"
            r"|\bmy\s+(\w+\s+)?(documents?|files?|pdfs?|notes?|manual|uploads?|guide)\b|\buploaded\s+(files?|documents?|guide|pdf)"
            r"|\bw (notatkach|notatce|dokumentach|dokumencie|pliku|pdf\w*)\b|\b(in|from) (the|my) (file|document|pdf|note)"
            r"|\bpdf\w*|\bwgran\w*"
        ),
    ),
    (
        "search",
        _rx(
            r"\b(w|z) (internecie|sieci|necie|googlu?)\b|\bonline\b|\bgoogl\w*|\bwygoogl\w*|\bweb\b|\binternet\b"
            r"|\blook (it )?up\b|\bsearch (for|the)\b(?!.{0,20}\b(my|moich)\b)"
        ),
    ),
    (
        "meal_plan",
        _rx(
            r"\bjadlospis\w*|\bplan\w* (posilk\w*|obiad\w*|sniadan\w*|kolacj\w*|jedzeni\w*|zywieni\w*|menu)"
            r"|\bmeal ?(plan\w*|prep)|\b(weekly|week's|weekend|tygodniow\w*) (menu|meal)|\bzaplanuj\w*|\brozplanuj\w*"
            r"|\bplan (my|our|the|a|\d+)\b.{0,30}\b(meals?|dinners?|lunch\w*|breakfasts?|menu|days?|week)"
            r"|\bmenu (na|for)\b|\b\d+[- ]?(day|dniow\w*)\b.{0,20}\b(plan|menu)|\b(from|z) (the |tego )?plan\w*\b"
        ),
    ),
    (
        "shopping",
        _rx(
            r"\blist\w* zakup\w*|\bshopping ?list|\bgrocery ?list|\bna liscie\b|\bz listy\b|\bna liste\b|\bto (my|the) list"
            r"|\bon (my|the) list|\boff (my|the) list|\b(ile|how much)\b.{0,30}\b(wyda\w*|spen[dt]\w*|kosztowa\w*|zostawi\w*|went)"
            r"|\bwydatk\w*|\bspending\b|\bexpenses?\b|\bwydaj\w*\b|\bspent\b"
        ),
    ),
    ("receipt", _rx(r"\bparagon\w*|\breceipts?\b|\bocr\b")),
    (
        "weather",
        _rx(
            r"\bpogod\w*|\bprognoz\w*|\bweather\b|\bforecast\b|\bparasol\w*|\bumbrella\b|\bprzymroz\w*"
            r"|\b(czy|will it|is it going to)\b.{0,20}\b(padac|pada|rain|snow|snieg)\b|\bstopni\w*\b.{0,20}\b(zewnatrz|dzis|jutro)"
        ),
    ),
    (
        "pantry",
        _rx(
            r"^(wlasnie |juz |we |i |just )*(zjadl\w*|zjedli\w*|wypil\w*|wyrzucil\w*|wylal\w*|zuzyl\w*|ate|drank|threw|binned|tossed)\b"
            r"|\bco (mam|mamy|jest) w (lodowce|spizarni|zamrazarce|zapasach)\s*\??$|\bwhat'?s in (my|the) (fridge|pantry|freezer)\s*\??$"
            r"|\bco (sie|mi sie) (konczy|psuje|przeterminuje)|\b(what'?s|what is|what) (expiring|about to expire)"
            r"|\b(do|doda\w*|dopisz\w*|wrzuc\w*) (do )?(lodowki|spizarni|zamrazarki|zapasow)\b|\b(to|in|into) (my|the) (pantry|fridge|freezer)\b"
        ),
    ),
    ("recipe", _rx(r"\bprzepis\w*|\brecipes?\b")),
    (
        "general",
        _rx(
            r"^(czesc|hej\w*|siema\w*|witaj\w*|dzien dobry|dobry wieczor|dobranoc|hello|hi|hey( there)?|yo|thanks?( you)?( so much)?"
            r"|thx|dzieki|dziekuje( bardzo)?|ok|okay|okej|super|bye|pa|do widzenia|na razie|good (morning|night|evening)"
            r"|pomoc|help|co potrafisz|what can you do)[\s!.?,]*$"
        ),
    ),
)
# Short follow-ups that keep the previous topic: "a coś wegetariańskiego?", "and without meat?", "a jutro?".
FOLLOW_UP = _rx(
    r"^(a|i|oraz|albo|and|or|but|what about|how about|also|a moze|a co z|a jak|jeszcze|inny|inne|inna|cos innego"
    r"|another|something|anything|more|else|too|still)\b"
)
MISSING_TO_LIST = _rx(r"\b(brakuj\w*|missing|je|them|to|these|te|skladnik\w*|ingredients)\b")
CONTEXT_INTENTS = frozenset(
    {"recipe", "meal_plan", "weather", "shopping", "search", "documents", "receipt", "pantry"}
)
MODEL_CONFIDENT = 0.55


@dataclass(frozen=True)
class Route:
    intent: str
    confidence: float
    source: str  # rule | model | context | guard
    flags: tuple[str, ...] = ()

    @property
    def agent(self) -> str:
        return AGENT_OF[self.intent]


# A pantry phrase inside a cooking question ("co ugotować z tego, co się kończy") is about a recipe.
COOKING = _rx(
    r"\b(ugotow\w*|gotowa\w*|przepis\w*|obiad\w*|kolacj\w*|sniadani\w*|cook\w*|recipes?|dinner|inspiracj\w*)\b"
)


# Rules that name their topic outright ("lista zakupów", "paragon", "pogoda", "moje dokumenty") win over the
# question types below; the pantry and recipe rules do not ("how long can I keep yogurt in the fridge?").
EXPLICIT_TOPICS = frozenset({"documents", "search", "meal_plan", "shopping", "receipt", "weather"})


def question_intent(text: str) -> Route | None:
    """Pantry questions about an item or the dates ("ile mam jajek?" is not about money) go to the pantry;
    storage, safety and cooking questions to the knowledge corpus; "what can I cook with X" to the chef."""
    from foodsave.agents.questions import PANTRY_KINDS, question_kind

    kind = question_kind(text)
    if kind in ("expiring", "expired") and COOKING.search(fold(text)):
        return None  # "co ugotować z tego, co się kończy" asks for a recipe
    if kind in PANTRY_KINDS:
        return Route("pantry", 1.0, "rule", (kind,))
    if kind == "storage":
        return Route("documents", 1.0, "rule", ("knowledge",))
    if kind == "cook_with":
        return Route("recipe", 1.0, "rule")
    return None


def rule_intent(text: str) -> str | None:
    folded = fold(text).strip()
    for intent, pattern in RULES:
        if pattern.search(folded):
            if intent == "pantry" and COOKING.search(folded):
                continue
            return intent
    return None


def route(text: str, previous_intents: Sequence[str] = (), model: LinearIntentModel | None = None) -> Route:
    """One intent per message; `previous_intents` are the assistant's recent intents, newest last."""
    folded = fold(text).strip()
    if INJECTION.search(folded):
        return Route("general", 1.0, "guard", ("injection",))
    if not has_letters(folded):
        return Route("general", 1.0, "guard", ("no_text",))
    if is_foreign(text):
        return Route("general", 1.0, "guard", ("foreign",))
    previous = previous_intents[-1] if previous_intents else None
    if previous == "meal_plan" and MISSING_TO_LIST.search(folded) and len(words(folded)) <= 10:
        if re.search(r"\b(dodaj\w*|dopisz\w*|add|put)\b", folded):
            return Route("meal_plan", 0.9, "context")
    ruled = rule_intent(text)
    if ruled in EXPLICIT_TOPICS:
        return Route(ruled, 1.0, "rule")
    asked = question_intent(text)
    if asked is not None:
        return asked
    if ruled:
        return Route(ruled, 1.0, "rule")
    prediction = (model or default_model()).predict(text)
    short = len(words(folded)) <= 5
    if previous in CONTEXT_INTENTS and prediction.intent != previous:
        if (FOLLOW_UP.search(folded) and short) or (short and prediction.confidence < MODEL_CONFIDENT):
            return Route(previous, max(prediction.scores.get(previous, 0.0), 0.5), "context")
    return Route(prediction.intent, prediction.confidence, "model")
