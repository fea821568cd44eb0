"""A user's notifications: list (newest first, optionally unread only) and mark as read; scoped by user id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foodsave.db.models import Notification
from foodsave.errors import NotFound


class NotificationService:
    def __init__(self, session: Session, user_id: str) -> None:
        self.session = session
        self.user_id = user_id

    def list(
        self, *, unread: bool = False, limit: int = 50, offset: int = 0
    ) -> tuple[Sequence[Notification], int]:
        query = select(Notification).where(Notification.user_id == self.user_id)
        if unread:
            query = query.where(Notification.read_at.is_(None))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Notification.created_at.desc(), Notification.id).limit(limit).offset(offset)
        ).all()
        return rows, total

    def mark_read(self, notification_id: str, now: datetime) -> Notification:
        """Idempotent: the first read time is kept."""
        row = self.session.scalar(
            select(Notification).where(
                Notification.id == notification_id, Notification.user_id == self.user_id
            )
        )
        if row is None:
            raise NotFound(f"notification {notification_id} not found")
        if row.read_at is None:
            row.read_at = now
            self.session.flush()
        return row
