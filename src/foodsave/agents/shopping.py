"""Shopping agent: the shopping list (show, add, cross off, remove, clear) and spending questions answered with
exact sums from the user's stored receipts."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import (
    ItemMention,
    parse_item,
    parse_merchant,
    parse_period,
    parse_spend_category,
)
from foodsave.agents.pantry_answers import amount, refuse_quantity
from foodsave.text import count, fold

SPENDING = re.compile(
    r"\b(ile|how much|wyda\w*|spen[dt]\w*|wydatk\w*|expens\w*|kosztow\w*|cost\w*|zostawil\w*|budzet\w*|budget"
    r"|pieniad\w*|money|total)\b"
)
CLEAR = re.compile(r"\b(wyczysc\w*|oproznij\w*|clear|empty|wipe)\b")
DONE_WORDS = re.compile(r"\b(kupion\w*|odhaczon\w*|done|bought|ticked|checked)\b")
TICK = re.compile(r"\b(odhacz\w*|skresl\w*|tick\w*|cross\w*|mark\w*|kupilem|kupilam|bought)\b")
REMOVE = re.compile(r"\b(usun\w*|wykresl\w*|remove|delete|drop)\b")
ADD = re.compile(
    r"\b(dodaj\w*|dopisz\w*|wpisz\w*|zapisz\w*|add|put|remind|musze kupic|trzeba kupic|need to buy|note)\b"
)
LIST_WORDS = frozenset(
    """lista listy liste liscie liscie list lists zakupow zakupy zakupach shopping grocery groceries buy kupic
    kupienia musze trzeba need remind me note down it zebym zeby mi my the to on off from na z do please prosze
    zapisz dopisz dodaj wpisz odhacz skresl usun remove add put tick cross mark delete done already juz bo
    kupiony kupiona kupione bought jest""".split()
)
CATEGORY_NAMES = {
    "dairy": "nabiał", "bakery": "pieczywo", "meat": "mięso", "fish": "ryby", "fruit": "owoce",
    "vegetables": "warzywa", "frozen": "mrożonki", "dry_goods": "produkty suche", "canned": "konserwy",
    "snacks": "słodycze i przekąski", "beverages": "napoje", "alcohol": "alkohol", "condiments": "przyprawy",
    "ready_meals": "dania gotowe", "household": "chemia", "cosmetics": "kosmetyki", "other": "inne",
    "adjustments": "rabaty i korekty",
}  # fmt: skip


def money(value: Decimal, lang: str, currency: str = "PLN") -> str:
    """`123,45 zł` in Polish, `PLN 123.45` in English; exact Decimal, two places."""
    text = f"{value.quantize(Decimal('0.01')):.2f}"
    return f"{text.replace('.', ',')} zł" if lang == "pl" and currency == "PLN" else f"{currency} {text}"


def mentioned_items(text: str) -> list[ItemMention]:
    from foodsave.agents.entities import _SEPARATORS, _TOKEN

    chunks: list[list[str]] = [[]]
    for token in _TOKEN.findall(text):
        folded = fold(token)
        if folded in _SEPARATORS:
            if chunks[-1]:
                chunks.append([])
            continue
        if folded in LIST_WORDS:
            continue
        chunks[-1].append(token)
    return [i for i in (parse_item(c) for c in chunks if c) if i is not None]


def handle(ctx: AgentContext) -> AgentReply:
    folded = fold(ctx.message)
    if SPENDING.search(folded) and not ADD.search(folded):
        return spending_reply(ctx)
    from foodsave.shopping.service import ShoppingListService

    service = ShoppingListService(ctx.session, ctx.user.id)
    if CLEAR.search(folded):
        return _clear(ctx, service, only_done=bool(DONE_WORDS.search(folded)))
    from foodsave.agents.questions import bad_quantity

    if (wrong := bad_quantity(ctx.message)) is not None:
        return refuse_quantity(ctx, wrong)
    items = mentioned_items(ctx.message)
    if items and REMOVE.search(folded):
        return _change(ctx, service, items, "remove")
    if items and TICK.search(folded) and not ADD.search(folded):
        return _change(ctx, service, items, "done")
    if items and (ADD.search(folded) or not re.search(r"\b(co|what|pokaz|show|czy)\b", folded)):
        return _add(ctx, service, items)
    return _show(ctx, service)


def spending_reply(ctx: AgentContext) -> AgentReply:
    from foodsave.shopping.spending import spending

    period = parse_period(ctx.message, ctx.today)
    category = parse_spend_category(ctx.message)
    merchant = parse_merchant(ctx.message)
    result = spending(
        ctx.session, ctx.user.id, period.start, period.end, category=category, merchant=merchant
    )
    span = f"{period.start.isoformat()} – {period.end.isoformat()}"
    scope = ""
    if category:
        scope += ctx.say(
            " na {c}", " on {c}", c=CATEGORY_NAMES.get(category, category) if ctx.lang == "pl" else category
        )
    if merchant:
        scope += ctx.say(" w sklepie {m}", " at {m}", m=merchant)
    facts = [f"period {span}", f"total {result.total}", f"receipts {result.receipts}"]
    if result.receipts == 0:
        text = ctx.say(
            "W okresie {p}{s} nie mam żadnych paragonów, więc nie umiem policzyć wydatków.",
            "I have no receipts for {p}{s}, so I cannot add up any spending.",
            p=span,
            s=scope,
        )
        return AgentReply(
            text,
            facts=facts,
            sources=[
                {
                    "type": "spending",
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "receipts": 0,
                }
            ],
        )
    text = ctx.say(
        "Wydatki w okresie {p}{s}: {t} (paragony: {n}).",
        "From {p}{s} you spent {t} ({r}).",
        p=span,
        s=scope,
        t=money(result.total, ctx.lang, result.currency),
        n=result.receipts,
        r=count(result.receipts, "receipt", "en"),
    )
    top = sorted(((k, v) for k, v in result.by_category.items() if v), key=lambda kv: -kv[1])[:5]
    if top and not category:
        names = [
            f"{CATEGORY_NAMES.get(k, k) if ctx.lang == 'pl' else k}: {money(v, ctx.lang, result.currency)}"
            for k, v in top
        ]
        text += "\n" + ctx.say("Najwięcej na: {x}.", "Most on: {x}.", x="; ".join(names))
        facts.extend(f"category {k} {v}" for k, v in result.by_category.items())
    shops = sorted(result.by_merchant.items(), key=lambda kv: -kv[1])[:3]
    if shops and not merchant and len(result.by_merchant) > 1:
        text += "\n" + ctx.say(
            "Sklepy: {x}.",
            "Shops: {x}.",
            x="; ".join(f"{k}: {money(v, ctx.lang, result.currency)}" for k, v in shops),
        )
    facts.extend(f"merchant {k} {v}" for k, v in result.by_merchant.items())
    source = {
        "type": "spending",
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "total": str(result.total),
        "currency": result.currency,
        "receipts": result.receipts,
        "category": category,
        "merchant": merchant,
    }
    return AgentReply(text, facts=facts, sources=[source])


def _line(item: Any, lang: str) -> str:
    return f"{item.name} ({amount(item.quantity, item.unit, lang)})"


def _show(ctx: AgentContext, service: Any) -> AgentReply:
    rows, total = service.list(done=False, limit=50)
    if not total:
        return AgentReply(
            ctx.say("Lista zakupów jest pusta.", "Your shopping list is empty."), facts=["open items: 0"]
        )
    lines = [f"- {_line(i, ctx.lang)}" for i in rows]
    return AgentReply(
        ctx.say("Na liście zakupów ({n}):", "On your shopping list ({n}):", n=total)
        + "\n"
        + "\n".join(lines),
        facts=lines,
        sources=[{"type": "shopping_list_item", "id": i.id, "name": i.name} for i in rows],
    )


def _add(ctx: AgentContext, service: Any, items: list[ItemMention]) -> AgentReply:
    from foodsave.errors import InvalidInput

    added = []
    for mention in items[:10]:
        unit = mention.unit if mention.unit in ("szt", "kg", "g", "l", "ml", "opak") else "szt"
        try:
            added.append(service.add(mention.name, mention.quantity or Decimal("1"), unit, source="chat"))
        except InvalidInput:
            continue
    if not added:
        return _show(ctx, service)
    names = ", ".join(_line(i, ctx.lang) for i in added)
    return AgentReply(
        ctx.say("Dopisałem do listy zakupów: {x}.", "Added to your shopping list: {x}.", x=names),
        facts=[_line(i, ctx.lang) for i in added],
        sources=[{"type": "shopping_list_item", "id": i.id, "name": i.name} for i in added],
        actions=[{"type": "shopping_list.add", "item_id": i.id, "name": i.name} for i in added],
    )


def _change(ctx: AgentContext, service: Any, items: list[ItemMention], how: str) -> AgentReply:
    changed, missing = [], []
    for mention in items[:10]:
        found = service.find(mention.name, done=None if how == "remove" else False)
        if not found:
            missing.append(mention.name)
            continue
        item = found[0]
        if how == "remove":
            service.delete(item.id)
        else:
            service.update(item.id, {"done": True})
        changed.append(item)
    parts = []
    if changed:
        names = ", ".join(i.name for i in changed)
        parts.append(
            ctx.say("Usunąłem z listy: {x}.", "Removed from the list: {x}.", x=names)
            if how == "remove"
            else ctx.say("Odhaczone jako kupione: {x}.", "Ticked off as bought: {x}.", x=names)
        )
    if missing:
        parts.append(ctx.say("Nie ma na liście: {x}.", "Not on the list: {x}.", x=", ".join(missing)))
    return AgentReply(
        " ".join(parts),
        facts=[i.name for i in changed],
        actions=[{"type": f"shopping_list.{how}", "item_id": i.id, "name": i.name} for i in changed],
    )


def _clear(ctx: AgentContext, service: Any, *, only_done: bool) -> AgentReply:
    if only_done:
        removed = service.clear_done()
    else:
        rows, _ = service.list(limit=10_000)
        for row in rows:
            service.delete(row.id)
        removed = len(rows)
    return AgentReply(
        ctx.say(
            "Usunąłem z listy zakupów: {n}.",
            "Removed from your shopping list: {n}.",
            n=count(removed, "item", ctx.lang),
        ),
        facts=[f"removed {removed}"],
        actions=[{"type": "shopping_list.clear", "removed": removed, "only_done": only_done}],
    )
