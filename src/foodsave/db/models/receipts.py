"""Receipts and their lines, as read from the uploaded photos."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foodsave.db.models.base import Base, added_by_fk, household_fk, new_id
from foodsave.db.timestamps import row_time
from foodsave.db.types import Money, Quantity, UTCDateTime


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("object_key", name="uq_receipts_object_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = household_fk()
    user_id: Mapped[str | None] = added_by_fk()
    object_key: Mapped[str] = mapped_column(String(512))
    etag: Mapped[str | None] = mapped_column(String(128), nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    merchant: Mapped[str | None] = mapped_column(String(64), nullable=True)
    purchased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    total: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="PLN")
    vat_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    warnings: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # Open review flags: [{"code", "message", "line", "position", "receipt_id"}]; empty once repaired.
    review_flags: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    raw_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    ocr_engine: Mapped[str | None] = mapped_column(String(32), nullable=True)
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Times reading the current photo was started (a claim); the lease check gives up after a few.
    ocr_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time, onupdate=row_time)
    lines: Mapped[list["ReceiptLine"]] = relationship(
        back_populates="receipt", cascade="all, delete-orphan", order_by="ReceiptLine.position"
    )


class ReceiptLine(Base):
    __tablename__ = "receipt_lines"
    __table_args__ = (UniqueConstraint("receipt_id", "position", name="uq_receipt_lines_receipt_position"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name_raw: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("1"))
    unit: Mapped[str] = mapped_column(String(16), default="szt")
    unit_price: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    discount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    vat_letter: Mapped[str | None] = mapped_column(String(1), nullable=True)
    category: Mapped[str] = mapped_column(String(32), default="other")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    receipt: Mapped[Receipt] = relationship(back_populates="lines")
