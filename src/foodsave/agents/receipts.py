"""Receipts agent: the status of the user's uploaded receipts (pending, failed and why, needing review) and what
was bought on them, read from the stored Receipt and ReceiptLine rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import parse_merchant
from foodsave.agents.shopping import money
from foodsave.text import count, fold

BOUGHT = re.compile(
    r"\b(kupil\w*|kupion\w*|zakup\w*|pozycj\w*|produkt\w*|co (bylo|jest)|bought|buy|items?|products?|what was on"
    r"|shop(ped)?|total|wyni\w*|suma|kwot\w*|ile kosztowal\w*)\b"
)
DONE = ("parsed", "needs_review", "confirmed")
STATUS_NAMES = {
    "pending": ("czeka na przetworzenie", "waiting to be processed"),
    "processing": ("w trakcie odczytu", "being read"),
    "parsed": ("odczytany", "read"),
    "needs_review": ("do sprawdzenia", "needs your review"),
    "confirmed": ("potwierdzony", "confirmed"),
    "failed": ("nieudany", "failed"),
}


def _label(ctx: AgentContext, receipt: Any) -> str:
    when = receipt.purchased_at or receipt.created_at
    shop = receipt.merchant or ctx.say("nieznany sklep", "unknown shop")
    total = money(receipt.total, ctx.lang, receipt.currency) if receipt.total is not None else "?"
    return f"{shop}, {when.astimezone(UTC).date().isoformat()}, {total}"


def _source(receipt: Any) -> dict[str, Any]:
    return {
        "type": "receipt",
        "id": receipt.id,
        "merchant": receipt.merchant,
        "status": receipt.status,
        "total": str(receipt.total) if receipt.total is not None else None,
    }


def handle(ctx: AgentContext) -> AgentReply:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from foodsave.db.models import Receipt
    from foodsave.households.membership import household_of

    receipts = ctx.session.scalars(
        select(Receipt)
        .where(Receipt.household_id == household_of(ctx.session, ctx.user.id))
        .options(selectinload(Receipt.lines))
        .order_by(Receipt.created_at.desc(), Receipt.id)
        .limit(50)
    ).all()
    if not receipts:
        return AgentReply(
            ctx.say(
                "Nie masz jeszcze żadnych paragonów. Zrób zdjęcie paragonu w aplikacji, a odczytam zakupy.",
                "You have no receipts yet. Take a photo of one in the app and I will read what you bought.",
            ),
            facts=["receipts: 0"],
        )
    folded = fold(ctx.message)
    if BOUGHT.search(folded):
        return _bought(ctx, list(receipts))
    return _status(ctx, list(receipts))


def _day_filter(ctx: AgentContext, receipts: list[Any]) -> list[Any]:
    folded = fold(ctx.message)
    day = None
    if re.search(r"\b(wczoraj|yesterday)\b", folded):
        day = ctx.today - timedelta(days=1)
    elif re.search(r"\b(dzis\w*|today)\b", folded):
        day = ctx.today
    if day is None:
        return receipts
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    return [r for r in receipts if start <= (r.purchased_at or r.created_at) < end]


def _bought(ctx: AgentContext, receipts: list[Any]) -> AgentReply:
    done = [r for r in receipts if r.status in DONE]
    merchant = parse_merchant(ctx.message)
    if merchant:
        done = [r for r in done if r.merchant and fold(merchant) in fold(r.merchant)]
    done = _day_filter(ctx, done)
    if not done:
        pending = [r for r in receipts if r.status in ("pending", "processing")]
        text = ctx.say(
            "Nie mam odczytanego paragonu, który by pasował.", "I have no read receipt that matches."
        )
        if pending:
            text += " " + ctx.say(
                "Na odczyt czeka jeszcze: {n}.",
                "Still being read: {n}.",
                n=count(len(pending), "receipt", ctx.lang),
            )
        return AgentReply(text, facts=[f"matching receipts: 0, pending: {len(pending)}"])
    receipt = max(done, key=lambda r: (r.purchased_at or r.created_at, r.created_at))
    lines = []
    for line in receipt.lines[:30]:
        price = money(line.total, ctx.lang, receipt.currency) if line.total is not None else "?"
        lines.append(f"- {line.name}: {price}")
    text = ctx.say("Paragon: {r}", "Receipt: {r}", r=_label(ctx, receipt))
    text += "\n" + ("\n".join(lines) if lines else ctx.say("(brak pozycji)", "(no lines)"))
    if len(receipt.lines) > 30:
        text += "\n" + ctx.say("…i {n} więcej.", "…and {n} more.", n=len(receipt.lines) - 30)
    if receipt.status == "needs_review":
        text += "\n" + ctx.say(
            "Ten paragon wymaga sprawdzenia — popraw pozycje w aplikacji.",
            "This receipt needs your review — check its lines in the app.",
        )
    return AgentReply(text, facts=[_label(ctx, receipt), *lines], sources=[_source(receipt)])


def _status(ctx: AgentContext, receipts: list[Any]) -> AgentReply:
    counts: dict[str, int] = {}
    for r in receipts:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(
        f"{STATUS_NAMES.get(k, (k, k))[0 if ctx.lang == 'pl' else 1]}: {v}" for k, v in sorted(counts.items())
    )
    text = ctx.say("Twoje paragony ({n}) — {s}.", "Your receipts ({n}) — {s}.", n=len(receipts), s=summary)
    latest = receipts[0]
    state = STATUS_NAMES.get(latest.status, (latest.status, latest.status))[0 if ctx.lang == "pl" else 1]
    text += "\n" + ctx.say("Ostatni: {r} — {s}.", "Latest: {r} — {s}.", r=_label(ctx, latest), s=state)
    failed = [r for r in receipts if r.status == "failed"][:3]
    for r in failed:
        text += "\n" + ctx.say(
            "Nieudany: {r} — powód: {w}.",
            "Failed: {r} — reason: {w}.",
            r=_label(ctx, r),
            w=r.failure_reason or "?",
        )
    review = [r for r in receipts if r.status == "needs_review"][:3]
    if review:
        text += "\n" + ctx.say(
            "Do sprawdzenia: {x}.",
            "Waiting for your review: {x}.",
            x="; ".join(_label(ctx, r) for r in review),
        )
    shown = [latest, *failed, *review]
    facts = [f"{k}: {v}" for k, v in counts.items()] + [_label(ctx, r) for r in shown]
    return AgentReply(text, facts=facts, sources=[_source(r) for r in dict.fromkeys(shown)])
