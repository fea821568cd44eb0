"""ShoppingListService: the user's shopping list (add, merge, tick off, remove); every query scoped by user id."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from foodsave.db.models import ShoppingListItem
from foodsave.db.search import contains_folded, folded, sorted_by
from foodsave.errors import InvalidInput, NotFound
from foodsave.pantry.matching import name_key, rank_by_name
from foodsave.shopping.schemas import ShoppingItemPatch

MAX_QUANTITY = Decimal("100000")
SORTABLE = {"created_at": ShoppingListItem.created_at, "name": folded(ShoppingListItem.name)}


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


class ShoppingListService:
    def __init__(self, session: Session, user_id: str) -> None:
        self.session = session
        self.user_id = user_id

    def _scoped(self):  # type: ignore[no-untyped-def]
        return select(ShoppingListItem).where(ShoppingListItem.user_id == self.user_id)

    def list(
        self,
        *,
        done: bool | None = None,
        limit: int = 50,
        offset: int = 0,
        q: str | None = None,
        sort: str = "created_at",
        order: str = "asc",
    ) -> tuple[Sequence[ShoppingListItem], int]:
        """Items still to buy first, then by `sort` (the order they were added, or name); `q` matches names."""
        query = self._scoped()
        if q:
            query = query.where(contains_folded(ShoppingListItem.name, q))
        if done is not None:
            query = query.where(ShoppingListItem.done.is_(done))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(ShoppingListItem.done, *sorted_by(SORTABLE[sort], order, ShoppingListItem.id))
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total

    def get(self, item_id: str) -> ShoppingListItem:
        item = self.session.scalar(self._scoped().where(ShoppingListItem.id == item_id))
        if item is None:
            raise NotFound(f"shopping list item {item_id} not found")
        return item

    def add(
        self, name: str, quantity: Decimal = Decimal("1"), unit: str = "szt", *, source: str = "manual"
    ) -> ShoppingListItem:
        """Add a line; an open line for the same product in the same unit grows instead of being duplicated."""
        name = " ".join(str(name).split())[:200]
        quantity = Decimal(str(quantity))
        if not name:
            raise InvalidInput("name must not be blank")
        if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
            raise InvalidInput("quantity must be greater than zero and at most 100000")
        unit = (unit or "szt")[:16]
        key = name_key(name) or name.lower()
        open_items = self.session.scalars(
            self._scoped().where(ShoppingListItem.done.is_(False), ShoppingListItem.unit == unit)
        ).all()
        same = next((i for i in open_items if (name_key(i.name) or i.name.lower()) == key), None)
        if same is not None:
            same.quantity = min(same.quantity + quantity, MAX_QUANTITY)
            self.session.flush()
            return same
        item = ShoppingListItem(user_id=self.user_id, name=name, quantity=quantity, unit=unit, source=source)
        self.session.add(item)
        self.session.flush()
        return item

    def add_many(self, items: Iterable[Any], source: str = "meal_plan") -> builtins.list[ShoppingListItem]:
        """Add lines given as objects or mappings with name, quantity and unit (e.g. a meal plan's needs)."""
        added: builtins.list[ShoppingListItem] = []
        for entry in items:
            row = self.add(
                str(_field(entry, "name", "")),
                Decimal(str(_field(entry, "quantity", None) or 1)),
                str(_field(entry, "unit", None) or "szt"),
                source=source,
            )
            if row not in added:
                added.append(row)
        return added

    def update(self, item_id: str, patch: ShoppingItemPatch | Mapping[str, Any]) -> ShoppingListItem:
        item = self.get(item_id)
        if not isinstance(patch, ShoppingItemPatch):
            patch = ShoppingItemPatch.model_validate(dict(patch))
        for key, value in patch.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(item, key, value)
        self.session.flush()
        return item

    def delete(self, item_id: str) -> None:
        self.session.delete(self.get(item_id))
        self.session.flush()

    def clear_done(self) -> int:
        """Remove the lines already bought; returns how many."""
        result = self.session.execute(
            delete(ShoppingListItem).where(
                ShoppingListItem.user_id == self.user_id, ShoppingListItem.done.is_(True)
            )
        )
        self.session.flush()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def find(self, text: str, *, done: bool | None = False) -> builtins.list[ShoppingListItem]:
        """Lines whose name matches `text` despite inflection ("pomidory" finds "pomidor"), best first."""
        rows, _ = self.list(done=done, limit=10_000)
        return [item for _, item in rank_by_name(text, rows, lambda i: i.name)]
