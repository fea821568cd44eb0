"""PantryService: create, list, read, update and delete a user's pantry items; every query scoped by user id."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foodsave.db.models import PantryItem
from foodsave.errors import NotFound
from foodsave.pantry.schemas import PantryItemIn, PantryItemPatch


def normalize_name(name: str) -> str:
    """Lowercase, single-spaced, without sizes like 500g or 1,5l: the key recipes and alerts match on."""
    text = unicodedata.normalize("NFC", name).lower()
    text = re.sub(r"\b\d+([.,]\d+)?\s*%", " ", text)
    text = re.sub(r"\b\d+([.,]\d+)?\s*(g|kg|ml|l|szt)\b", " ", text)
    text = re.sub(r"[^\w\s-]", " ", text)
    return " ".join(text.split())


class PantryService:
    def __init__(self, session: Session, user_id: str) -> None:
        self.session = session
        self.user_id = user_id

    def _scoped(self):  # type: ignore[no-untyped-def]
        return select(PantryItem).where(PantryItem.user_id == self.user_id)

    def add(
        self, data: PantryItemIn, *, expiry_estimated: bool = False, receipt_line_id: str | None = None
    ) -> PantryItem:
        category = data.category or "other"
        item = PantryItem(
            user_id=self.user_id,
            name=data.name,
            normalized_name=normalize_name(data.name),
            category=category,
            quantity=data.quantity,
            unit=data.unit,
            price=data.price,
            purchased_at=data.purchased_at,
            expires_at=data.expires_at,
            expiry_estimated=expiry_estimated,
            receipt_line_id=receipt_line_id,
        )
        self.session.add(item)
        self.session.flush()
        return item

    def get(self, item_id: str) -> PantryItem:
        item = self.session.scalar(self._scoped().where(PantryItem.id == item_id))
        if item is None:
            raise NotFound(f"pantry item {item_id} not found")
        return item

    def list(
        self,
        *,
        status: str | None = "active",
        category: str | None = None,
        expires_before: date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[Sequence[PantryItem], int]:
        query = self._scoped()
        if status:
            query = query.where(PantryItem.status == status)
        if category:
            query = query.where(PantryItem.category == category)
        if expires_before:
            query = query.where(PantryItem.expires_at.is_not(None), PantryItem.expires_at <= expires_before)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(
                PantryItem.expires_at.is_(None), PantryItem.expires_at, PantryItem.created_at, PantryItem.id
            )
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total

    def update(self, item_id: str, patch: PantryItemPatch) -> PantryItem:
        item = self.get(item_id)
        changes = patch.model_dump(exclude_unset=True)
        for key, value in changes.items():
            if key in ("name", "quantity", "unit", "status", "category") and value is None:
                continue
            setattr(item, key, value)
        if "name" in changes and changes["name"]:
            item.normalized_name = normalize_name(changes["name"])
        if "expires_at" in changes:
            item.expiry_estimated = False
        self.session.flush()
        return item

    def delete(self, item_id: str) -> None:
        item = self.get(item_id)
        self.session.delete(item)
        self.session.flush()
