"""Delivery bookkeeping: the event outbox, consumed-message keys and replayable POST responses."""

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from foodsave.db.models.base import Base, new_id
from foodsave.db.timestamps import row_time
from foodsave.db.types import UTCDateTime


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
