"""Chef agent: recipe ideas from the user's pantry and the recipe corpus, preferring recipes that use what expires
first; follow-ups ("a coś wegetariańskiego?", "another one") keep the earlier request and skip shown recipes."""

from __future__ import annotations

import re
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import ENGLISH_PRODUCTS, parse_diet_tags, singular
from foodsave.text import fold, words

SHOWN = 3
MEAL_WORDS = re.compile(
    r"^(sniadani\w*|obiad\w*|lunch\w*|kolacj\w*|deser\w*|zup\w*|salat\w*|szybk\w*|breakfast|dinner|supper|dessert"
    r"|soup|salad|quick)$"
)
ANOTHER = re.compile(r"\b(inn\w*|jeszcze|wiecej|kolejn\w*|another|other|else|more|different)\b")
DIET_NAMES = {
    "vegetarian": ("wegetariańskie", "vegetarian"),
    "vegan": ("wegańskie", "vegan"),
    "gluten_free": ("bezglutenowe", "gluten-free"),
}


def query_terms(text: str) -> list[str]:
    """Ingredient and meal words of a message (product names known to the pantry matcher, meal kinds)."""
    from foodsave.agents.entities import _lemma_table
    from foodsave.text import stem

    table = _lemma_table()
    terms: list[str] = []
    for word in words(text):
        if len(word) < 3:
            continue
        if MEAL_WORDS.match(word) or stem(word) in table or singular(word) in ENGLISH_PRODUCTS:
            terms.append(word)
    return terms


def _shown_ids(ctx: AgentContext) -> list[str]:
    ids: list[str] = []
    for turn in ctx.history:
        if turn.role == "assistant" and turn.intent == "recipe":
            ids.extend(
                str(s["id"])
                for s in (turn.sources or [])
                if isinstance(s, dict) and s.get("type") == "recipe" and s.get("id")
            )
    return ids


def handle(ctx: AgentContext) -> AgentReply:
    from foodsave.recipes.suggest import suggest_recipes

    diet = list(parse_diet_tags(ctx.message))
    terms = query_terms(ctx.message)
    follow_up = ctx.route.source == "context" or bool(ANOTHER.search(fold(ctx.message)))
    previous = ctx.last_user_message("recipe") if follow_up else None
    if previous:
        # Keep the earlier request (diet and ingredients) and refine it with what this message adds.
        for tag in parse_diet_tags(previous):
            if tag not in diet:
                diet.append(tag)
        if not terms:
            terms = query_terms(previous)
    skip = set(_shown_ids(ctx)) if follow_up and ANOTHER.search(fold(ctx.message)) else set()
    query = " ".join(terms) or None
    found = suggest_recipes(
        ctx.session, ctx.user.id, ctx.today, limit=SHOWN + len(skip), diet_tags=diet, query=query
    )
    relaxed = False
    if not [s for s in found if s.recipe.id not in skip] and query:
        relaxed = True
        found = suggest_recipes(ctx.session, ctx.user.id, ctx.today, limit=SHOWN + len(skip), diet_tags=diet)
    picks = [s for s in found if s.recipe.id not in skip][:SHOWN]
    diet_label = ", ".join(DIET_NAMES[t][0 if ctx.lang == "pl" else 1] for t in diet if t in DIET_NAMES)
    if not picks:
        return AgentReply(
            ctx.say(
                "Nie znalazłem przepisu spełniającego te warunki{d}.",
                "I found no recipe that fits{d}.",
                d=f" ({diet_label})" if diet_label else "",
            ),
            facts=["recipes found: 0"],
        )
    lines: list[str] = []
    facts: list[str] = []
    sources: list[dict[str, Any]] = []
    for n, s in enumerate(picks, start=1):
        r = s.recipe
        line = f"{n}. {r.title} ({r.time_minutes} min)"
        if s.uses:
            line += ctx.say(" — z Twoich zapasów: {u}", " — uses your {u}", u=", ".join(s.uses))
        if s.expiring:
            line += ctx.say(
                "; ratuje kończące się: {e}", "; saves soon-expiring {e}", e=", ".join(s.expiring)
            )
        if s.missing:
            line += ctx.say("; brakuje: {m}", "; missing: {m}", m=", ".join(s.missing[:5]))
        lines.append(line)
        facts.append(
            f"recipe {r.id}: {r.title}, {r.time_minutes} min, uses={s.uses}, expiring={s.expiring}, missing={s.missing}"
        )
        sources.append({"type": "recipe", "id": r.id, "title": r.title})
    if relaxed:
        head = ctx.say(
            "Nie mam przepisu dokładnie na to ({q}), ale z tego, co masz, polecam{d}:",
            "I have no recipe exactly for that ({q}), but from what you have I suggest{d}:",
            q=query,
            d=f" ({diet_label})" if diet_label else "",
        )
    else:
        head = ctx.say(
            "Propozycje{d}, najpierw te, które zużyją kończące się produkty:",
            "Ideas{d}, the ones that use soon-expiring food first:",
            d=f" ({diet_label})" if diet_label else "",
        )
    return AgentReply(head + "\n" + "\n".join(lines), facts=facts, sources=sources)
