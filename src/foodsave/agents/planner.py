"""Meal-plan agent: n days of meals from the pantry and the recipe corpus (diet tags honoured), the shopping list
of what is missing, and on request those missing items added to the user's shopping list."""

from __future__ import annotations

import re
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import parse_days, parse_diet_tags
from foodsave.agents.pantry_answers import amount
from foodsave.text import count, fold, noun

ADD_MISSING = re.compile(
    r"\b(dodaj\w*|dopisz\w*|wpisz\w*|add|put)\b.*\b(brakuj\w*|missing|je|them|to|these|te|skladnik\w*|ingredients"
    r"|zakup\w*|shopping|list\w*)\b"
)
MEAL_NAMES = {
    "breakfast": ("śniadanie", "breakfast"),
    "lunch": ("lunch", "lunch"),
    "dinner": ("obiad", "dinner"),
    "supper": ("kolacja", "supper"),
    "snack": ("przekąska", "snack"),
    "dessert": ("deser", "dessert"),
}


def parse_meals(text: str) -> tuple[str, ...]:
    folded = fold(text)
    meals = []
    if re.search(r"\b(sniadan\w*|breakfasts?)\b", folded):
        meals.append("breakfast")
    if re.search(r"\b(lunch\w*|lunche?s?)\b", folded):
        meals.append("lunch")
    if re.search(r"\b(obiad\w*|dinners?)\b", folded):
        meals.append("dinner")
    if re.search(r"\b(kolacj\w*|suppers?)\b", folded):
        meals.append("supper")
    return tuple(meals) or ("breakfast", "dinner")


def handle(ctx: AgentContext) -> AgentReply:
    from foodsave.recipes.planner import plan_meals

    wants_add = bool(ADD_MISSING.search(fold(ctx.message)))
    source_text = ctx.message
    if ctx.route.source == "context" or (
        wants_add and not re.search(r"\d|dni|days?|tydz|week", fold(ctx.message))
    ):
        source_text = ctx.last_user_message("meal_plan") or ctx.message
    days = parse_days(source_text)
    diet = parse_diet_tags(source_text) or parse_diet_tags(ctx.message)
    meals = parse_meals(source_text)
    plan = plan_meals(ctx.session, ctx.user.id, ctx.today, days=days, diet_tags=diet, meals=meals)
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    facts: list[str] = []
    for day in plan.days:
        parts = []
        for meal in day.meals:
            label = MEAL_NAMES.get(meal.meal, (meal.meal, meal.meal))[0 if ctx.lang == "pl" else 1]
            parts.append(f"{label}: {meal.title}")
            sources.append(
                {"type": "recipe", "id": meal.recipe_id, "title": meal.title, "date": day.date.isoformat()}
            )
        lines.append(f"- {day.date.isoformat()}: " + "; ".join(parts))
        facts.append(f"{day.date.isoformat()}: " + "; ".join(parts))
    needs = [f"{n.name} {amount(n.quantity, n.unit, ctx.lang)}" for n in plan.shopping_list]
    facts.extend(f"missing: {n}" for n in needs)
    text = ctx.say("Plan na {d}:", "Plan for {d}:", d=count(days, "day", ctx.lang)) + "\n" + "\n".join(lines)
    actions: list[dict[str, Any]] = []
    if needs:
        text += "\n" + ctx.say("Brakuje: {n}.", "Missing: {n}.", n=", ".join(needs))
        if wants_add:
            from foodsave.shopping.service import ShoppingListService

            added = ShoppingListService(ctx.session, ctx.user.id).add_many(
                plan.shopping_list, source="meal_plan"
            )
            text += "\n" + ctx.say(
                "Dodałem brakujące produkty do listy zakupów ({n}).",
                "I added the missing items to your shopping list ({n}).",
                n=count(len(added), "item", ctx.lang),
            )
            actions.append({"type": "shopping_list.add_many", "count": len(added), "source": "meal_plan"})
        else:
            text += "\n" + ctx.say(
                "Napisz „dodaj brakujące do listy zakupów”, a dopiszę je.",
                "Say “add the missing items to my shopping list” and I will add them.",
            )
            actions.append(
                {
                    "type": "suggest",
                    "message": ctx.say(
                        "dodaj brakujące do listy zakupów", "add the missing items to my shopping list"
                    ),
                }
            )
    else:
        text += "\n" + ctx.say("Masz wszystko, czego potrzeba.", "You have everything you need.")
    if plan.unfilled:
        unfilled = len(plan.unfilled)
        text += "\n" + ctx.say(
            "Dla {n} {m} nie znalazłem pasującego przepisu.",
            "I found no fitting recipe for {n} {m}.",
            n=unfilled,
            m=("posiłku" if unfilled == 1 else "posiłków")
            if ctx.lang == "pl"
            else noun("meal", unfilled, "en"),
        )
    return AgentReply(text, facts=facts, sources=sources, actions=actions)
