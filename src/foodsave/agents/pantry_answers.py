"""Answers to questions about the pantry: when does X expire, do I have X, how much X, can I still eat X, what
expires soon and what is already past its date. Food past its date is never listed as food to eat: it is
reported apart, with the knowledge corpus' advice for its kind of date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from foodsave.agents.advice import DateKind, ago, date_kind, quote, relative, verdict
from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import ItemMention
from foodsave.text import count, plural

if TYPE_CHECKING:
    from foodsave.db.models import PantryItem

LIST_LIMIT = 15
EN_UNITS = {"szt": ("pc", "pcs"), "opak": ("pack", "packs")}


def qty(value: Decimal) -> str:
    from foodsave.pantry.schemas import format_quantity

    return format_quantity(value)


def amount(quantity: Decimal, unit: str, lang: str) -> str:
    """`2 szt`, `0.5 kg`; in English `2 pcs`, `1 pack`."""
    if lang == "en" and unit in EN_UNITS:
        return f"{qty(quantity)} {plural(quantity, EN_UNITS[unit], 'en')}"
    return f"{qty(quantity)} {unit}"


def expired(item: PantryItem, today: date) -> bool:
    return item.expires_at is not None and item.expires_at < today


def describe(item: PantryItem, ctx: AgentContext) -> str:
    """`Mleko (2 szt, ważne do 2025-01-17 — za 2 dni)`; past its date: `… termin minął 3 dni temu`."""
    text = f"{item.name} ({amount(item.quantity, item.unit, ctx.lang)}"
    if item.expires_at is not None:
        when = relative(item.expires_at, ctx.today, ctx.lang)
        if expired(item, ctx.today):
            text += ctx.say(", termin minął {w}", ", past its date since {d}, {w}", w=when, d=item.expires_at)
        else:
            text += ctx.say(
                ", ważne do {d} — {w}", ", expires {d} — {w}", d=item.expires_at.isoformat(), w=when
            )
    return text + ")"


def source(item: PantryItem) -> dict[str, Any]:
    return {"type": "pantry_item", "id": item.id, "name": item.name}


def not_found(ctx: AgentContext, name: str) -> str:
    return ctx.say("Nie masz w spiżarni: {n}.", "You don't have {n} in your pantry.", n=name)


def past_date_note(items: Sequence[PantryItem], ctx: AgentContext) -> tuple[list[str], list[dict[str, Any]]]:
    """Lines about items past their date (how long ago, the kind of date, the advice) and the cited article."""
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    kinds: list[DateKind] = []
    for item in items:
        assert item.expires_at is not None
        kind = date_kind(item.name, item.category)
        kinds.append(kind)
        since = ago((ctx.today - item.expires_at).days, ctx.lang)
        lines.append(
            ctx.say(
                "- {n}: termin minął {a} ({d}). {v}",
                "- {n}: past its date since {d} ({a}). {v}",
                n=item.name,
                a=since,
                d=item.expires_at.isoformat(),
                v=verdict(kind, ctx.lang),
            )
        )
    for date_of in dict.fromkeys(kinds):
        found = quote(date_of)
        if found is not None:
            lines.append(ctx.say("Źródło: „{q}”", "Source (in Polish): “{q}”", q=found.text))
            if found.source not in sources:
                sources.append(found.source)
    return lines, sources


def items_answer(ctx: AgentContext, kind: str, mentions: list[ItemMention], find: Any) -> AgentReply:
    """`expires_when`, `have`, `how_much` and `still_ok` about each named item."""
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    for mention in mentions[:5]:
        found: list[PantryItem] = find(mention.name)[:3]
        if not found:
            lines.append(not_found(ctx, mention.name))
            continue
        sources.extend(source(i) for i in found)
        good = [i for i in found if not expired(i, ctx.today)]
        past = [i for i in found if expired(i, ctx.today)]
        if good:
            lines.append(_good_line(ctx, kind, good))
        if past:
            head = ctx.say(
                "Po terminie — nie jedz bez sprawdzenia:", "Past its date — do not eat it unchecked:"
            )
            note, cited = past_date_note(past, ctx)
            lines.extend([head, *note])
            sources.extend(c for c in cited if c not in sources)
    if not mentions:
        lines.append(ctx.say("O jaki produkt pytasz?", "Which product do you mean?"))
    return AgentReply("\n".join(lines), facts=lines, sources=sources)


def _good_line(ctx: AgentContext, kind: str, good: list[PantryItem]) -> str:
    listed = ", ".join(describe(i, ctx) for i in good)
    if kind == "how_much":
        units = {i.unit for i in good}
        if len(good) > 1 and len(units) == 1:
            total = sum((i.quantity for i in good), Decimal(0))
            return ctx.say("Masz razem {t}: {x}.", "You have {t} in total: {x}.",
                           t=amount(total, good[0].unit, ctx.lang), x=listed)  # fmt: skip
        return ctx.say("Masz: {x}.", "You have: {x}.", x=listed)
    if kind == "expires_when":
        return ctx.say("Termin ważności: {x}.", "Expiry: {x}.", x=listed)
    if kind == "still_ok":
        return ctx.say(
            "Tak — termin jeszcze nie minął: {x}.", "Yes — it is still within its date: {x}.", x=listed
        )
    return ctx.say("Tak, masz: {x}.", "Yes, you have: {x}.", x=listed)


def window_phrase(days: int, lang: str) -> str:
    if lang == "pl":
        return {0: "dziś", 1: "do jutra"}.get(days, f"w ciągu {days} dni")
    return {0: "today", 1: "by tomorrow"}.get(days, f"within the next {count(days, 'day', 'en')}")


def expiring_answer(ctx: AgentContext, service: Any, days: int, only_expired: bool = False) -> AgentReply:
    """What to eat first (within `days`, still within its date), and apart from it what is past its date."""
    items = service.expiring(ctx.today, days)
    past = [i for i in items if expired(i, ctx.today)]
    soon = [] if only_expired else [i for i in items if not expired(i, ctx.today)]
    lines: list[str] = []
    facts: list[str] = []
    sources = [source(i) for i in (soon + past)[:LIST_LIMIT]]
    if not only_expired:
        if soon:
            lines.append(ctx.say("Najpierw zjedz (termin {w}):", "Eat these first (expiring {w}):",
                                 w=window_phrase(days, ctx.lang)))  # fmt: skip
            lines.extend(f"- {describe(i, ctx)}" for i in soon[:LIST_LIMIT])
        else:
            lines.append(
                ctx.say(
                    "Nic nie traci ważności {w}.", "Nothing expires {w}.", w=window_phrase(days, ctx.lang)
                )
            )
        facts.append(f"expiring within {days} days: {len(soon)}")
    if past:
        lines.append(ctx.say("Po terminie ({n}) — nie jedz bez sprawdzenia:", "Past their date ({n}) — do not eat unchecked:",
                             n=count(len(past), "product", ctx.lang)))  # fmt: skip
        note, cited = past_date_note(past[:LIST_LIMIT], ctx)
        lines.extend(note)
        sources.extend(cited)
    elif only_expired:
        lines.append(
            ctx.say("Nic w spiżarni nie jest po terminie.", "Nothing in your pantry is past its date.")
        )
    facts.append(f"past their date: {len(past)}")
    return AgentReply("\n".join(lines), facts=facts + lines, sources=sources)


def refuse_quantity(ctx: AgentContext, text: str) -> AgentReply:
    """A clear refusal of a quantity that is not a positive, finite, sensible amount; nothing changes."""
    return AgentReply(
        ctx.say(
            "Nie mogę użyć ilości „{q}”: podaj dodatnią liczbę, np. „dodaj 2 kg ziemniaków”. Nic nie zmieniłem.",
            "I can't use the amount “{q}”: give a positive number, e.g. “add 2 kg potatoes”. Nothing was changed.",
            q=text,
        ),
        facts=[f"refused quantity: {text}"],
    )
