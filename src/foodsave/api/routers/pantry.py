"""Pantry routes: CRUD on `/v1/pantry/items`, eating and throwing away, what expires soon, money statistics."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.pantry.schemas import (
    Category,
    Page,
    PantryItemIn,
    PantryItemOut,
    PantryItemPatch,
    PantryStatsOut,
    Status,
    UseIn,
)
from foodsave.pantry.service import PantryService, local_today

router = APIRouter(prefix="/v1/pantry", tags=["pantry"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such item for this user"}}
USE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The item is already consumed or discarded"},
}


@router.get("/items", response_model=Page[PantryItemOut], summary="List pantry items, soonest expiry first")
def list_items(
    user: CurrentUser,
    session: SessionDep,
    status: Status | None = "active",
    category: Category | None = None,
    expires_before: date | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[PantryItemOut]:
    rows, total = PantryService(session, user.id).list(
        status=status, category=category, expires_before=expires_before, limit=limit, offset=offset
    )
    return Page[PantryItemOut](
        items=[PantryItemOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post("/items", response_model=PantryItemOut, status_code=201, summary="Add an item to the pantry")
def add_item(body: PantryItemIn, user: CurrentUser, session: SessionDep) -> PantryItemOut:
    return PantryItemOut.model_validate(PantryService(session, user.id).add(body))


@router.get("/items/{item_id}", response_model=PantryItemOut, responses=NOT_FOUND)
def get_item(item_id: str, user: CurrentUser, session: SessionDep) -> PantryItemOut:
    return PantryItemOut.model_validate(PantryService(session, user.id).get(item_id))


@router.patch("/items/{item_id}", response_model=PantryItemOut, responses=NOT_FOUND)
def update_item(
    item_id: str, body: PantryItemPatch, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> PantryItemOut:
    item = PantryService(session, user.id).update(item_id, body, at=services.clock.now())
    return PantryItemOut.model_validate(item)


@router.delete("/items/{item_id}", status_code=204, responses=NOT_FOUND)
def delete_item(item_id: str, user: CurrentUser, session: SessionDep) -> Response:
    PantryService(session, user.id).delete(item_id)
    return Response(status_code=204)


@router.post(
    "/items/{item_id}/consume",
    response_model=PantryItemOut,
    responses=USE_RESPONSES,
    summary="Eat some or all of an item (all of it marks the item consumed)",
)
def consume_item(
    item_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep, body: UseIn | None = None
) -> PantryItemOut:
    quantity = body.quantity if body else None
    item = PantryService(session, user.id).consume(item_id, quantity, at=services.clock.now())
    return PantryItemOut.model_validate(item)


@router.post(
    "/items/{item_id}/discard",
    response_model=PantryItemOut,
    responses=USE_RESPONSES,
    summary="Throw away some or all of an item (counted as wasted)",
)
def discard_item(
    item_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep, body: UseIn | None = None
) -> PantryItemOut:
    quantity = body.quantity if body else None
    item = PantryService(session, user.id).discard(item_id, quantity, at=services.clock.now())
    return PantryItemOut.model_validate(item)


@router.get(
    "/expiring",
    response_model=Page[PantryItemOut],
    summary="Active items that expire within `days` (already expired ones included), soonest first",
)
def expiring_items(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=30)] = 3,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[PantryItemOut]:
    today = local_today(services.clock.now(), user.timezone)
    rows, total = PantryService(session, user.id).list(
        status="active", expires_before=today + timedelta(days=days), limit=limit, offset=offset
    )
    return Page[PantryItemOut](
        items=[PantryItemOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get(
    "/stats",
    response_model=PantryStatsOut,
    summary="Counts by status and money spent, eaten and wasted for the items bought since a day",
)
def pantry_stats(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    since: Annotated[
        date | None, Query(description="first purchase day counted; all time when omitted")
    ] = None,
) -> PantryStatsOut:
    today = local_today(services.clock.now(), user.timezone)
    return PantryStatsOut.model_validate(PantryService(session, user.id).stats(today, since))
