"""Notifications to users (expiry warnings of pantry items)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from foodsave.db.models.base import Base, new_id
from foodsave.db.timestamps import row_time
from foodsave.db.types import UTCDateTime


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
