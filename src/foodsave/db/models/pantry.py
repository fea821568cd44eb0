"""The pantry: items on hand and what happened to them (eaten, thrown away)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from foodsave.db.models.base import Base, added_by_fk, household_fk, new_id
from foodsave.db.timestamps import row_time
from foodsave.db.types import Money, Quantity, UTCDateTime


class PantryItem(Base):
    __tablename__ = "pantry_items"
    __table_args__ = (
        Index("ix_pantry_items_household_status_expires", "household_id", "status", "expires_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = household_fk()
    user_id: Mapped[str | None] = added_by_fk()
    name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(32), default="other")
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("1"))
    unit: Mapped[str] = mapped_column(String(16), default="szt")
    price: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    purchased_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    expires_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    expiry_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    receipt_line_id: Mapped[str | None] = mapped_column(
        ForeignKey("receipt_lines.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time, onupdate=row_time)


class PantryEvent(Base):
    """What happened to (part of) a pantry item: eaten or thrown away, with the money it was worth."""

    __tablename__ = "pantry_events"
    __table_args__ = (Index("ix_pantry_events_household_at", "household_id", "at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = household_fk()
    user_id: Mapped[str | None] = added_by_fk()
    pantry_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("pantry_items.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(16), default="szt")
    value: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    finishes: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
