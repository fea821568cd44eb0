"""A user's expiry notifications: `GET /v1/notifications`, `POST /v1/notifications/{id}/read`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict

from foodsave.alerts.notifications import NotificationService
from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.route_table import RouteTable
from foodsave.pages import Page

router = RouteTable(prefix="/v1/notifications", tags=["notifications"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such notification for this user"}}


class NotificationOut(BaseModel):
    """`payload` holds the item (id, name, expires_at), days_left, a message and up to three recipes."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    pantry_item_id: str | None
    threshold: int
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


@router.get("", response_model=Page[NotificationOut], summary="The user's notifications, newest first")
def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[NotificationOut]:
    rows, total = NotificationService(session, user.id).list(unread=unread, limit=limit, offset=offset)
    return Page[NotificationOut](
        items=[NotificationOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post(
    "/{notification_id}/read",
    response_model=NotificationOut,
    responses=NOT_FOUND,
    summary="Mark a notification read (the first read time is kept)",
)
def mark_read(
    notification_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> NotificationOut:
    row = NotificationService(session, user.id).mark_read(notification_id, services.clock.now())
    return NotificationOut.model_validate(row)
