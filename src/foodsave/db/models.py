"""SQLAlchemy models of the FoodSave data: users, households, pantry, receipts, chat, documents, alerts,
notifications, outbox."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from foodsave.db.timestamps import row_time
from foodsave.db.types import Money, Quantity, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    external_sub: Mapped[str] = mapped_column(String(255), unique=True)
    locale: Mapped[str] = mapped_column(String(10), default="pl")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    expiry_warning_days: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class Household(Base):
    """The people who share one pantry, shopping list, receipts and spending."""

    __tablename__ = "households"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class HouseholdMember(Base):
    """A user's place in a household (one at a time): `owner` or `member`."""

    __tablename__ = "household_members"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="owner")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class HouseholdInvite(Base):
    """A single-use invitation into a household; only a digest of its code is stored."""

    __tablename__ = "household_invites"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    used_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def _household_fk() -> Any:
    return mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)


def _added_by_fk() -> Any:
    """The member who added a shared row; kept (as NULL) when that member erases their account."""
    return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)


class PantryItem(Base):
    __tablename__ = "pantry_items"
    __table_args__ = (
        Index("ix_pantry_items_household_status_expires", "household_id", "status", "expires_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = _household_fk()
    user_id: Mapped[str | None] = _added_by_fk()
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


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("object_key", name="uq_receipts_object_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = _household_fk()
    user_id: Mapped[str | None] = _added_by_fk()
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
    lines: Mapped[list[ReceiptLine]] = relationship(
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


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=row_time, onupdate=row_time, index=True
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Message.created_at"
    )


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    agent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sources: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # Set when the document is shared with the uploader's household (NULL: personal to `user_id`).
    household_id: Mapped[str | None] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    object_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


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
    household_id: Mapped[str] = _household_fk()
    user_id: Mapped[str | None] = _added_by_fk()
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default=_line_key_default)
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("1"))
    unit: Mapped[str] = mapped_column(String(16), default="szt")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class AlertRule(Base):
    __tablename__ = "alert_rules"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    metric: Mapped[str] = mapped_column(String(100))
    statistic: Mapped[str] = mapped_column(String(16), default="Average")
    period_seconds: Mapped[int] = mapped_column(Integer, default=300)
    operator: Mapped[str] = mapped_column(String(2))
    threshold: Mapped[float] = mapped_column(Float)
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    cooldown_seconds: Mapped[int] = mapped_column(Integer, default=900)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time, onupdate=row_time)


class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rule_id: Mapped[str] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AlertHistory(Base):
    __tablename__ = "alert_history"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    rule_id: Mapped[str | None] = mapped_column(
        ForeignKey("alert_rules.id", ondelete="SET NULL"), nullable=True, index=True
    )
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time, index=True)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint(
            "pantry_item_id", "kind", "threshold", "user_id", name="uq_notifications_item_kind_threshold_user"
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    pantry_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("pantry_items.id", ondelete="CASCADE"), nullable=True, index=True
    )
    threshold: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxEvent(Base):
    """Events written in the same transaction as the change they describe, published after commit."""

    __tablename__ = "outbox_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class ProcessedMessage(Base):
    """Idempotency keys of consumed messages and objects (S3 bucket+key+etag, SQS message ids)."""

    __tablename__ = "processed_messages"
    key: Mapped[str] = mapped_column(String(600), primary_key=True)
    consumer: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class MetricPoint(Base):
    """Local metrics store read by the alert evaluator when CloudWatch is not there."""

    __tablename__ = "metric_points"
    __table_args__ = (Index("ix_metric_points_name_at", "name", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32), default="Count")
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class PantryEvent(Base):
    """What happened to (part of) a pantry item: eaten or thrown away, with the money it was worth."""

    __tablename__ = "pantry_events"
    __table_args__ = (Index("ix_pantry_events_household_at", "household_id", "at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = _household_fk()
    user_id: Mapped[str | None] = _added_by_fk()
    pantry_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("pantry_items.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(16), default="szt")
    value: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    finishes: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class IdempotencyRecord(Base):
    """The first response to a POST carrying an `Idempotency-Key`, replayed to retries until it expires."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_records_owner_key"),)

    @staticmethod
    def owner_of(subject: str) -> str:
        """The stored owner of a signed-in subject's records (a digest, so the table holds no user id)."""
        return hashlib.sha256(subject.encode()).hexdigest()

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(64))  # sha256 of the authenticated subject
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path, query and body
    state: Mapped[str] = mapped_column(String(16), default="in_progress")  # in_progress | completed
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
