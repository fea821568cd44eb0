"""The shopping list."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from foodsave.db.models.base import Base, added_by_fk, household_fk, new_id
from foodsave.db.timestamps import row_time
from foodsave.db.types import Quantity, UTCDateTime


def shopping_line_key(name: str) -> str:
    """The product a shopping-list line is for ("jajka" and "jajko" are one product)."""
    from foodsave.text.products import name_key

    return name_key(name) or " ".join(name.lower().split())


def _line_key_default(context: Any) -> str:
    return shopping_line_key(str(context.get_current_parameters()["name"]))


class ShoppingListItem(Base):
    __tablename__ = "shopping_list_items"
    # One open line per household, product and unit: adding the same product again grows that line.
    __table_args__ = (
        Index(
            "uq_shopping_list_items_open_line",
            "household_id",
            "name_key",
            "unit",
            unique=True,
            sqlite_where=text("NOT done"),
            postgresql_where=text("NOT done"),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = household_fk()
    user_id: Mapped[str | None] = added_by_fk()
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default=_line_key_default)
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("1"))
    unit: Mapped[str] = mapped_column(String(16), default="szt")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
