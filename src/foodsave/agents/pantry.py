"""Pantry agent: adds, eats and throws away items named in a message ("dodaj 2 mleka", "zjadłem pół chleba"),
and answers what is in the fridge, what is running out and whether an item is there."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import ItemMention, parse_pantry_command
from foodsave.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from foodsave.db.models import PantryItem

COUNTABLE = ("szt", "opak")
CONVERT = {("g", "kg"): Decimal("0.001"), ("kg", "g"): Decimal("1000"), ("ml", "l"): Decimal("0.001"),
           ("l", "ml"): Decimal("1000")}  # fmt: skip
LIST_LIMIT = 15


def qty(value: Decimal) -> str:
    from foodsave.pantry.schemas import format_quantity

    return format_quantity(value)


def describe(item: PantryItem, ctx: AgentContext) -> str:
    text = f"{item.name} ({qty(item.quantity)} {item.unit}"
    if item.expires_at:
        text += ctx.say(", ważne do {d}", ", expires {d}", d=item.expires_at.isoformat())
    return text + ")"


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


def _source(item: PantryItem) -> dict[str, Any]:
    return {"type": "pantry_item", "id": item.id, "name": item.name}


def handle(ctx: AgentContext) -> AgentReply:
    from foodsave.pantry.service import PantryService

    service = PantryService(ctx.session, ctx.user.id)
    command = parse_pantry_command(ctx.message, ctx.today)
    if command.action == "add":
        return _add(ctx, service, command.items, command.expires_at)
    if command.action in ("consume", "discard"):
        return _use(ctx, service, command.action, command.items)
    if command.action == "check":
        return _check(ctx, service, command.items)
    if command.action == "expiring":
        return _expiring(ctx, service)
    return _list(ctx, service)


def _category(name: str) -> str | None:
    try:
        from foodsave.receipts.categorize import default_categorizer

        category, confidence = default_categorizer().categorize(name)
    except Exception:  # noqa: BLE001 - an uncategorised item is still worth adding
        return None
    from foodsave.pantry.schemas import CATEGORIES

    return category if confidence >= 0.5 and category in CATEGORIES else None


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
                category=_category(mention.name),  # type: ignore[arg-type]
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
        sources=[_source(i) for i in added],
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
        amount = portion(item, mention)
        try:
            updated = (
                service.consume(item.id, amount, at=ctx.now)
                if action == "consume"
                else service.discard(item.id, amount, at=ctx.now)
            )
        except (Conflict, InvalidInput):
            missing.append(mention.name)
            continue
        used = qty(amount) if amount is not None else ctx.say("całość", "all")
        line = f"{updated.name} ({used} {item.unit if amount is not None else ''}".rstrip()
        if updated.status == "active":
            line += ctx.say("; zostało {q} {u})", "; {q} {u} left)", q=qty(updated.quantity), u=updated.unit)
        else:
            line += ")"
        done.append(line)
        sources.append(_source(updated))
        actions.append(
            {
                "type": f"pantry.{action}",
                "item_id": updated.id,
                "name": updated.name,
                "quantity": qty(amount) if amount is not None else None,
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
        parts.append(
            ctx.say(
                "Nie znalazłem w spiżarni: {x}.", "I did not find in your pantry: {x}.", x=", ".join(missing)
            )
        )
    if not items:
        parts.append(
            ctx.say(
                "Nie rozpoznałem produktu. Napisz np. „zjadłem jogurt” albo „wyrzuciłem chleb”.",
                "I could not tell which product. Try e.g. “I ate the yogurt” or “I threw away the bread”.",
            )
        )
    return AgentReply(" ".join(parts), facts=done, sources=sources, actions=actions)


def _check(ctx: AgentContext, service: Any, items: list[ItemMention]) -> AgentReply:
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    for mention in items[:5]:
        found = find_items(service, mention.name)[:3]
        if found:
            lines.append(
                ctx.say(
                    "{n}: tak — {x}",
                    "{n}: yes — {x}",
                    n=mention.name,
                    x=", ".join(describe(i, ctx) for i in found),
                )
            )
            sources.extend(_source(i) for i in found)
        else:
            lines.append(ctx.say("{n}: nie ma w spiżarni", "{n}: not in your pantry", n=mention.name))
    return AgentReply("\n".join(lines), facts=lines, sources=sources)


def _expiring(ctx: AgentContext, service: Any) -> AgentReply:
    days = max(int(ctx.user.expiry_warning_days or 2), 3)
    items = service.expiring(ctx.today, days)
    if not items:
        return AgentReply(
            ctx.say(
                "Nic nie traci ważności w ciągu {d} dni.", "Nothing expires within the next {d} days.", d=days
            ),
            facts=[f"expiring within {days} days: 0"],
        )
    lines = []
    for item in items[:LIST_LIMIT]:
        assert item.expires_at is not None
        left = (item.expires_at - ctx.today).days
        if left < 0:
            when = ctx.say("po terminie od {n} dni", "expired {n} days ago", n=-left)
        elif left == 0:
            when = ctx.say("dziś", "today")
        else:
            when = ctx.say("za {n} dni", "in {n} days", n=left)
        lines.append(f"- {item.name} ({qty(item.quantity)} {item.unit}): {when}")
    head = ctx.say(
        "Najpierw zjedz (termin w ciągu {d} dni):", "Eat these first (expiring within {d} days):", d=days
    )
    return AgentReply(
        head + "\n" + "\n".join(lines), facts=lines, sources=[_source(i) for i in items[:LIST_LIMIT]]
    )


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
    head = ctx.say("W spiżarni masz {n} produktów:", "You have {n} items in your pantry:", n=total)
    more = ""
    if total > len(rows):
        more = "\n" + ctx.say("…i {k} więcej.", "…and {k} more.", k=total - len(rows))
    return AgentReply(head + "\n" + "\n".join(lines) + more, facts=lines, sources=[_source(i) for i in rows])
