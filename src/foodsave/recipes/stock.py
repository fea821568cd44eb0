"""What the pantry holds, as plain values the recipe ranking and the planner work on (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from foodsave.db.models import PantryItem
from foodsave.households.membership import household_of
from foodsave.pantry.matching import MATCH_THRESHOLD, key_tokens, match_score

# unit -> (family, factor to the family's base unit)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "g": ("g", Decimal(1)),
    "dag": ("g", Decimal(10)),
    "kg": ("g", Decimal(1000)),
    "ml": ("ml", Decimal(1)),
    "l": ("ml", Decimal(1000)),
    "szt": ("szt", Decimal(1)),
}


def to_base(quantity: Decimal, unit: str) -> tuple[Decimal, str]:
    """(quantity in the family's base unit, base unit): 1,5 kg -> (1500, "g"); other units stay as they are."""
    family, factor = _UNITS.get(unit.lower(), (unit.lower(), Decimal(1)))
    return quantity * factor, family


@dataclass(frozen=True)
class StockItem:
    """One active pantry item."""

    id: str
    name: str
    normalized_name: str
    quantity: Decimal
    unit: str
    expires_at: date | None = None

    def days_left(self, day: date) -> int | None:
        return None if self.expires_at is None else (self.expires_at - day).days

    def expiring(self, today: date, soon_days: int) -> bool:
        left = self.days_left(today)
        return left is not None and 0 <= left <= soon_days

    def expired(self, today: date) -> bool:
        """Past its date: never an ingredient to cook with, never food "saved" by a recipe or a plan."""
        return self.expires_at is not None and self.expires_at < today


def edible(stock: Sequence[StockItem], today: date) -> list[StockItem]:
    """The items still within their date on `today`."""
    return [s for s in stock if not s.expired(today)]


def load_stock(session: Session, user_id: str) -> list[StockItem]:
    """The active items of the user's household, soonest expiry first."""
    rows = session.scalars(
        select(PantryItem)
        .where(PantryItem.household_id == household_of(session, user_id), PantryItem.status == "active")
        .order_by(
            PantryItem.expires_at.is_(None), PantryItem.expires_at, PantryItem.created_at, PantryItem.id
        )
    ).all()
    return [
        StockItem(
            id=r.id,
            name=r.name,
            normalized_name=r.normalized_name or r.name,
            quantity=r.quantity,
            unit=r.unit,
            expires_at=r.expires_at,
        )
        for r in rows
    ]


def matching_stock(ingredient: str, stock: Sequence[StockItem]) -> list[StockItem]:
    """Items that satisfy an ingredient, the one that expires first first (then the better name match)."""
    scored = [(match_score(ingredient, s.normalized_name), s) for s in stock]
    good = [(score, s) for score, s in scored if score >= MATCH_THRESHOLD]
    good.sort(key=lambda p: (p[1].expires_at is None, p[1].expires_at or date.max, -p[0]))
    return [s for _, s in good]


class StockIndex:
    """`matching_stock` for many ingredients against one pantry: items are pre-filtered by their words and
    answers are remembered (recipes share most ingredients)."""

    def __init__(self, stock: Sequence[StockItem]) -> None:
        self.stock = list(stock)
        self._initials: dict[str, list[StockItem]] = {}
        for item in self.stock:
            for initial in {t[0] for t in key_tokens(item.normalized_name)}:
                self._initials.setdefault(initial, []).append(item)
        self._memo: dict[str, list[StockItem]] = {}

    def matching(self, ingredient: str) -> list[StockItem]:
        found = self._memo.get(ingredient)
        if found is None:
            tokens = key_tokens(ingredient)
            found = matching_stock(ingredient, self._initials.get(tokens[0][0], [])) if tokens else []
            self._memo[ingredient] = found
        return found
