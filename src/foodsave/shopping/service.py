"""ShoppingListService: the user's shopping list (add, merge, tick off, remove); every query scoped by user id."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from foodsave.db.locking import claim_one, claim_owned, insert_unless_taken
from foodsave.db.models import ShoppingListItem, new_id, shopping_line_key
from foodsave.db.search import contains_folded, folded, sorted_by
from foodsave.errors import Conflict, InvalidInput, NotFound
from foodsave.inputs import clean_name
from foodsave.pantry.matching import rank_by_name
from foodsave.shopping.schemas import ShoppingItemPatch

MAX_QUANTITY = Decimal("100000")
SORTABLE = {"created_at": ShoppingListItem.created_at, "name": folded(ShoppingListItem.name)}
OPEN_LINE_KEY = ["user_id", "name_key", "unit"]
OPEN_LINE_WHERE = text("NOT done")


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
        """Add a line; an open line for the same product in the same unit grows instead of being duplicated
        (the database holds one open line per product and unit, so callers at the same moment agree)."""
        try:
            name = clean_name(str(name))[:200]
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        quantity = Decimal(str(quantity))
        if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
            raise InvalidInput("quantity must be greater than zero and at most 100000")
        unit = (unit or "szt")[:16]
        key = shopping_line_key(name)
        open_line = (
            ShoppingListItem.user_id == self.user_id,
            ShoppingListItem.name_key == key,
            ShoppingListItem.unit == unit,
            ShoppingListItem.done.is_(False),
        )
        for _ in range(3):
            same = claim_one(self.session, ShoppingListItem, *open_line)
            if same is not None:
                same.quantity = min(same.quantity + quantity, MAX_QUANTITY)
                self.session.flush()
                return same
            line_id = new_id()
            values = {"id": line_id, "user_id": self.user_id, "name": name, "name_key": key,
                      "quantity": quantity, "unit": unit, "done": False, "source": source}  # fmt: skip
            if insert_unless_taken(self.session, ShoppingListItem, values, OPEN_LINE_KEY, OPEN_LINE_WHERE):
                return self.get(line_id)
        raise Conflict("the shopping list changed while adding; try again")

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

    def _claim(self, item_id: str) -> ShoppingListItem:
        """The line, held against concurrent changes until the transaction ends."""
        return claim_owned(self.session, ShoppingListItem, item_id, self.user_id, "shopping list item")

    def update(self, item_id: str, patch: ShoppingItemPatch | Mapping[str, Any]) -> ShoppingListItem:
        item = self._claim(item_id)
        if not isinstance(patch, ShoppingItemPatch):
            patch = ShoppingItemPatch.model_validate(dict(patch))
        for key, value in patch.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(item, key, value)
        item.name_key = shopping_line_key(item.name)
        if not item.done:
            twin = self.session.scalar(
                self._scoped().where(
                    ShoppingListItem.id != item.id,
                    ShoppingListItem.name_key == item.name_key,
                    ShoppingListItem.unit == item.unit,
                    ShoppingListItem.done.is_(False),
                )
            )
            if twin is not None:
                raise Conflict(f"the list already has an open line for {twin.name} in {twin.unit}")
        self.session.flush()
        return item

    def delete(self, item_id: str) -> None:
        self.session.delete(self._claim(item_id))
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
