"""Pantry agent: adds, eats and throws away items named in a message ("dodaj 2 mleka", "zjadłem pół chleba"),
and answers what is in the fridge, what is running out and whether an item is there."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import ItemMention, parse_pantry_command
from foodsave.agents.pantry_answers import (
    amount,
    describe,
    expiring_answer,
    items_answer,
    not_found,
    qty,
    refuse_quantity,
    source,
)
from foodsave.agents.questions import ITEM_KINDS, PANTRY_KINDS, mentioned_items, question_kind, understand
from foodsave.errors import Conflict, InvalidInput
from foodsave.text import count, fold

if TYPE_CHECKING:
    from foodsave.db.models import PantryItem

COUNTABLE = ("szt", "opak")
CONVERT = {("g", "kg"): Decimal("0.001"), ("kg", "g"): Decimal("1000"), ("ml", "l"): Decimal("0.001"),
           ("l", "ml"): Decimal("1000")}  # fmt: skip
LIST_LIMIT = 15
ASKING = re.compile(
    r"^(czy|can|could|should|shall|may|is|are|do|does|did|jak|how|what|which|co|kiedy|when|where|gdzie)\b"
)


def portion(item: PantryItem, mention: ItemMention) -> Decimal | None:
    """How much of `item` the message means, in the item's unit; None means all of it."""
    amount: Decimal | None
    if mention.fraction is not None:
        if item.unit in COUNTABLE and item.quantity > 1:
            amount = mention.fraction
        else:
            amount = item.quantity * mention.fraction
    elif mention.quantity is not None:
        factor = CONVERT.get((mention.unit or item.unit, item.unit))
        amount = mention.quantity * factor if factor else mention.quantity
    else:
        amount = Decimal("1") if item.unit in COUNTABLE and item.quantity > 1 else None
    if amount is not None and amount >= item.quantity:
        return None
    return amount


def find_items(service: Any, name: str) -> list[PantryItem]:
    """Active items the user means by `name`: the pantry's inflection-aware match, else any item whose name
    contains the word's stem ("chleb" finds "Chleb żytni"), soonest expiry first."""
    found: list[PantryItem] = list(service.find_active_by_name(name))
    if found:
        return found
    from foodsave.pantry.matching import key_tokens

    wanted = key_tokens(name)
    if not wanted:
        return []
    rows, _ = service.list(status="active", limit=500)
    return [item for item in rows if wanted[0] in key_tokens(item.name)]


def handle(ctx: AgentContext) -> AgentReply:
    from foodsave.pantry.service import PantryService

    service = PantryService(ctx.session, ctx.user.id)
    question = understand(ctx.message)
    if question.bad_quantity:
        return refuse_quantity(ctx, question.bad_quantity)
    if question.kind in PANTRY_KINDS:
        days = question.days if question.days is not None else _window(ctx)
        if question.kind == "expired":
            return expiring_answer(ctx, service, days, only_expired=True)
        if question.kind == "expiring" or not question.items:
            return expiring_answer(ctx, service, days)
        return items_answer(ctx, question.kind, question.items, lambda name: find_items(service, name))
    command = parse_pantry_command(ctx.message, ctx.today)
    if command.action == "list" and (follow_up := _follow_up(ctx)) is not None:
        return items_answer(
            ctx, follow_up, mentioned_items(ctx.message), lambda name: find_items(service, name)
        )
    if command.action in ("consume", "discard") and ASKING.search(fold(ctx.message)):
        # "Can I eat the yogurt?" asks; it must not eat the yogurt.
        return items_answer(ctx, "still_ok", command.items, lambda name: find_items(service, name))
    if command.action == "add":
        return _add(ctx, service, command.items, command.expires_at)
    if command.action in ("consume", "discard"):
        return _use(ctx, service, command.action, command.items)
    if command.action == "check":
        return items_answer(ctx, "have", command.items, lambda name: find_items(service, name))
    if command.action == "expiring":
        return expiring_answer(ctx, service, _window(ctx))
    return _list(ctx, service)


def _follow_up(ctx: AgentContext) -> str | None:
    """The kind of the latest earlier question, for a short follow-up naming another item ("a jajka?", "and the
    yogurt?"); earlier follow-ups carry no kind of their own and are skipped."""
    if len(ctx.message.split()) > 5 or not mentioned_items(ctx.message):
        return None
    for turn in reversed(ctx.history[-8:]):
        if turn.role == "user":
            kind = question_kind(turn.content)
            if kind is not None:
                return kind if kind in ITEM_KINDS else None
    return None


def _window(ctx: AgentContext) -> int:
    return max(int(ctx.user.expiry_warning_days or 2), 3)


def _add(ctx: AgentContext, service: Any, items: list[ItemMention], expires_at: Any) -> AgentReply:
    from pydantic import ValidationError

    from foodsave.pantry.schemas import PantryItemIn

    added: list[PantryItem] = []
    for mention in items[:10]:
        unit = mention.unit if mention.unit in ("szt", "kg", "g", "l", "ml", "opak") else "szt"
        quantity = mention.quantity or mention.fraction or Decimal("1")
        name = mention.name[:1].upper() + mention.name[1:]
        try:
            data = PantryItemIn(
                name=name[:200],
                quantity=quantity,
                unit=unit,  # type: ignore[arg-type]
                expires_at=expires_at,
                purchased_at=ctx.today,
            )
        except ValidationError:
            continue
        added.append(service.add(data))
    if not added:
        return AgentReply(
            ctx.say(
                "Nie rozpoznałem, co dodać. Napisz np. „dodaj 2 mleka” albo „dodaj ser 200 g ważny do piątku”.",
                "I could not tell what to add. Try e.g. “add 2 milks” or “add cheese 200 g expiring friday”.",
            )
        )
    listed = ", ".join(describe(i, ctx) for i in added)
    return AgentReply(
        ctx.say("Dodałem do spiżarni: {items}.", "Added to your pantry: {items}.", items=listed),
        facts=[describe(i, ctx) for i in added],
        sources=[source(i) for i in added],
        actions=[
            {
                "type": "pantry.add",
                "item_id": i.id,
                "name": i.name,
                "quantity": qty(i.quantity),
                "unit": i.unit,
            }
            for i in added
        ],
    )


def _use(ctx: AgentContext, service: Any, action: str, items: list[ItemMention]) -> AgentReply:
    done: list[str] = []
    missing: list[str] = []
    actions: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    for mention in items[:10]:
        candidates = find_items(service, mention.name)
        if not candidates:
            missing.append(mention.name)
            continue
        item = candidates[0]
        part = portion(item, mention)
        try:
            updated = (
                service.consume(item.id, part, at=ctx.now)
                if action == "consume"
                else service.discard(item.id, part, at=ctx.now)
            )
        except (Conflict, InvalidInput):
            missing.append(mention.name)
            continue
        used = amount(part, item.unit, ctx.lang) if part is not None else ctx.say("całość", "all")
        line = f"{updated.name} ({used}"
        if updated.status == "active":
            line += ctx.say(
                "; zostało {q})", "; {q} left)", q=amount(updated.quantity, updated.unit, ctx.lang)
            )
        else:
            line += ")"
        done.append(line)
        sources.append(source(updated))
        actions.append(
            {
                "type": f"pantry.{action}",
                "item_id": updated.id,
                "name": updated.name,
                "quantity": qty(part) if part is not None else None,
                "status": updated.status,
            }
        )
    parts: list[str] = []
    if done:
        if action == "consume":
            parts.append(ctx.say("Zapisałem jako zjedzone: {x}.", "Marked as eaten: {x}.", x=", ".join(done)))
        else:
            parts.append(
                ctx.say("Zapisałem jako wyrzucone: {x}.", "Marked as thrown away: {x}.", x=", ".join(done))
            )
    if missing:
        parts.append(not_found(ctx, ", ".join(missing)))
    if not items:
        parts.append(
            ctx.say(
                "Nie rozpoznałem produktu. Napisz np. „zjadłem jogurt” albo „wyrzuciłem chleb”.",
                "I could not tell which product. Try e.g. “I ate the yogurt” or “I threw away the bread”.",
            )
        )
    return AgentReply(" ".join(parts), facts=done, sources=sources, actions=actions)


def _list(ctx: AgentContext, service: Any) -> AgentReply:
    rows, total = service.list(status="active", limit=LIST_LIMIT)
    if not total:
        return AgentReply(
            ctx.say(
                "Twoja spiżarnia jest pusta. Dodaj produkty ze zdjęcia paragonu albo napisz np. „dodaj 2 mleka”.",
                "Your pantry is empty. Add products from a receipt photo or write e.g. “add 2 milks”.",
            ),
            facts=["active items: 0"],
        )
    lines = [f"- {describe(i, ctx)}" for i in rows]
    head = ctx.say(
        "W spiżarni masz {n}:", "You have {n} in your pantry:", n=count(total, "product", ctx.lang)
    )
    more = ""
    if total > len(rows):
        more = "\n" + ctx.say("…i {k} więcej.", "…and {k} more.", k=total - len(rows))
    return AgentReply(head + "\n" + "\n".join(lines) + more, facts=lines, sources=[source(i) for i in rows])
