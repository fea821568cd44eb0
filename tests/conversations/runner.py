"""Plays a scripted conversation through the chat orchestrator and reports every check that fails, plus a
grammar check of each reply (numbers agree with their nouns; English replies speak English around names)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests.conversations.cases import Case, Turn

# An independent statement of the agreement rules the replies must follow, per noun: (one, few, many) for
# Polish, (one, other) for English. Forms also used in other grammatical cases are left out.
PL_NOUNS = {
    "produkt": ("produkt", "produkty", "produktów"),
    "dzień": ("dzień", "dni", "dni"),
    "przepis": ("przepis", "przepisy", "przepisów"),
    "posiłek": ("posiłek", "posiłki", "posiłków"),
    "łyżka": ("łyżka", "łyżki", "łyżek"),
    "sztuka": ("sztuka", "sztuki", "sztuk"),
}
EN_NOUNS = {
    "day": ("day", "days"),
    "item": ("item", "items"),
    "product": ("product", "products"),
    "receipt": ("receipt", "receipts"),
    "recipe": ("recipe", "recipes"),
    "meal": ("meal", "meals"),
    "piece": ("piece", "pieces"),
    "pc": ("pc", "pcs"),
    "pack": ("pack", "packs"),
    "line": ("line", "lines"),
    "ingredient": ("ingredient", "ingredients"),
}
# Polish words that must not frame an English reply (names and quoted passages aside).
POLISH_FRAME = (
    "szt",
    "ważne",
    "zostało",
    "Dodałem",
    "brakuje",
    "Najpierw",
    "spiżarni",
    "termin",
    "dni",
    "Tak",
)


def _polish_form(n: int) -> int:
    """0 one, 1 few, 2 many, from the last two digits written out."""
    last, tens = n % 10, (n // 10) % 10
    if n == 1:
        return 0
    if last in (2, 3, 4) and tens != 1:
        return 1
    return 2


def grammar_slips(text: str, lang: str) -> list[str]:
    slips: list[str] = []
    if lang == "pl":
        for forms in PL_NOUNS.values():
            pattern = r"(?<![\d.,])(\d+) (" + "|".join(sorted(set(forms), key=len, reverse=True)) + r")\b"
            for m in re.finditer(pattern, text):
                n, word = int(m.group(1)), m.group(2)
                wanted = forms[_polish_form(n)]
                # "dni" serves few and many alike; "w ciągu 1 dnia" and "po 1 dniu" are other cases.
                if word != wanted:
                    slips.append(m.group(0))
        return slips
    for forms in EN_NOUNS.values():
        for m in re.finditer(r"(?<![\d.,])(\d+) (" + "|".join(forms) + r")\b", text):
            n, word = int(m.group(1)), m.group(2)
            if word != (forms[0] if n == 1 else forms[1]):
                slips.append(m.group(0))
    unquoted = re.sub(r"„.*”|“.*”|\"[^\"]*\"", " ", text)  # quotes run to the line's last closing mark
    for item_name in _names_in(unquoted):
        unquoted = unquoted.replace(item_name, " ")
    slips.extend(
        f"Polish word in an English reply: {w}" for w in POLISH_FRAME if re.search(rf"\b{w}\b", unquoted)
    )
    return slips


_ITEM_NAME = re.compile(r"(?:^|[-:,]\s|\n- )([A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż%,. ]*?) \(")


def _names_in(text: str) -> list[str]:
    """Pantry names as replies print them, "Name (quantity …)": they stay as the user wrote them."""
    return [m.group(1) for m in _ITEM_NAME.finditer(text)]


@dataclass
class TurnResult:
    message: str
    reply: str
    intent: str
    failures: list[str] = field(default_factory=list)
    grammar: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def _items(services: Any, user_id: str) -> list[Any]:
    from sqlalchemy import select

    from foodsave.db.models import PantryItem

    with services.db.session() as session:
        rows = session.scalars(select(PantryItem).where(PantryItem.user_id == user_id)).all()
        session.expunge_all()
        return list(rows)


def _shopping(services: Any, user_id: str) -> list[str]:
    from sqlalchemy import select

    from foodsave.db.models import ShoppingListItem

    with services.db.session() as session:
        return list(
            session.scalars(
                select(ShoppingListItem.name).where(
                    ShoppingListItem.user_id == user_id, ShoppingListItem.done.is_(False)
                )
            )
        )


def _value(item: Any, field_name: str) -> str:
    value = getattr(item, field_name)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def check(turn: Turn, result: dict[str, Any], services: Any, user_id: str) -> list[str]:
    failures: list[str] = []
    reply = result["reply"]
    lowered = reply.lower()
    if turn.intent and result["intent"] != turn.intent:
        failures.append(f"intent {result['intent']} instead of {turn.intent}")
    failures.extend(f"missing {s!r}" for s in turn.has if s.lower() not in lowered)
    failures.extend(f"should not say {s!r}" for s in turn.lacks if s.lower() in lowered)
    if turn.source and not any(
        s.get("id") == turn.source or s.get("type") == turn.source for s in result["sources"]
    ):
        failures.append(f"no source {turn.source!r} in {result['sources']}")
    if turn.before:
        marker, names = turn.before
        head = reply.split(marker)[0]
        failures.extend(f"{n!r} listed before {marker!r}" for n in names if n in head)
    if turn.state or turn.items is not None:
        items = _items(services, user_id)
        if turn.items is not None and len(items) != turn.items:
            failures.append(f"{len(items)} pantry items instead of {turn.items}")
        for prefix, field_name, expected in turn.state:
            found = [i for i in items if i.name.lower().startswith(prefix.lower())]
            if not found:
                failures.append(f"no pantry item named {prefix!r}")
            elif _value(found[0], field_name) != expected:
                failures.append(f"{prefix} {field_name} is {_value(found[0], field_name)}, not {expected}")
    if turn.shopping:
        names = [n.lower() for n in _shopping(services, user_id)]
        failures.extend(f"{s!r} not on the shopping list" for s in turn.shopping if s.lower() not in names)
    return failures


def play(case: Case, services: Any, user_id: str) -> list[TurnResult]:
    """Every turn of `case` in one conversation of the given user."""
    from foodsave.agents.orchestrator import handle_message
    from foodsave.db.models import User

    conversation: str | None = None
    results: list[TurnResult] = []
    for turn in case.turns:
        started, cpu = time.perf_counter(), time.process_time()
        with services.db.session() as session:
            user = session.get(User, user_id)
            answer = handle_message(services, session, user, turn.message, conversation).to_dict()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        conversation = answer["conversation_id"]
        results.append(
            TurnResult(
                message=turn.message,
                reply=answer["reply"],
                intent=answer["intent"],
                failures=check(turn, answer, services, user_id),
                grammar=grammar_slips(answer["reply"], answer["lang"]),
                seconds=elapsed,
                cpu_seconds=cpu,
            )
        )
    return results
