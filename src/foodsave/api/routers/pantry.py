"""Pantry routes: CRUD on `/v1/pantry/items`, eating and throwing away, what expires soon, money statistics."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import Query, Response

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.etags import (
    ETAG_HEADER,
    LOCATION_HEADER,
    READ_RESPONSES,
    IfMatch,
    check_if_match,
    delete_route,
    patch_route,
    tagged,
)
from foodsave.api.query import ORDER_QUERY, Q_QUERY, Order
from foodsave.api.route_table import RouteTable
from foodsave.days import Day
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

router = RouteTable(prefix="/v1/pantry", tags=["pantry"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such item for this user"}}
USE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The item is already consumed or discarded"},
}


SortKey = Literal["expires_at", "name", "category", "purchased_at", "created_at", "price"]


@router.get(
    "/items",
    response_model=Page[PantryItemOut],
    summary="List pantry items, soonest expiry first",
    description="Filter by status, category, expiry or name (`q`, accent-insensitive); sort by any `sort` key "
    "(empty values last); page with `limit` and `offset` (`total` counts every match).",
)
def list_items(
    user: CurrentUser,
    session: SessionDep,
    status: Annotated[Status | None, Query(description="`active` unless given")] = "active",
    category: Category | None = None,
    expires_before: Annotated[Day | None, Query(description="expiring on or before this day")] = None,
    q: Annotated[str | None, Q_QUERY] = None,
    sort: Annotated[SortKey, Query(description="the field to sort by")] = "expires_at",
    order: Annotated[Order, ORDER_QUERY] = "asc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[PantryItemOut]:
    rows, total = PantryService(session, user.id).list(
        status=status,
        category=category,
        expires_before=expires_before,
        limit=limit,
        offset=offset,
        q=q,
        sort=sort,
        order=order,
    )
    return Page[PantryItemOut](
        items=[PantryItemOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post(
    "/items",
    response_model=PantryItemOut,
    status_code=201,
    summary="Add an item to the pantry",
    description="Answers 201 with the item, its `Location` and `ETag`. Send an `Idempotency-Key` so a retry "
    "after a lost response does not add the food twice.",
    responses={201: {"headers": {**LOCATION_HEADER, **ETAG_HEADER}}},
)
def add_item(body: PantryItemIn, user: CurrentUser, session: SessionDep, response: Response) -> PantryItemOut:
    item = PantryItemOut.model_validate(PantryService(session, user.id).add(body))
    response.headers["Location"] = f"{router.prefix}/items/{item.id}"
    return tagged(response, item)


@router.get(
    "/items/{item_id}",
    response_model=PantryItemOut,
    responses={**NOT_FOUND, **READ_RESPONSES},
    summary="One item",
)
def get_item(item_id: str, user: CurrentUser, session: SessionDep, response: Response) -> PantryItemOut:
    return tagged(response, PantryItemOut.model_validate(PantryService(session, user.id).get(item_id)))


@router.patch(
    "/items/{item_id}",
    response_model=PantryItemOut,
    summary="Change an item (only the fields sent)",
    **patch_route(NOT_FOUND, "someone else changed the item"),
)
def update_item(
    item_id: str,
    body: PantryItemPatch,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    services: ServicesDep,
    if_match: IfMatch = None,
) -> PantryItemOut:
    service = PantryService(session, user.id)
    if if_match is not None:  # without a precondition, the update's own claim of the row is the only lock
        check_if_match(session, if_match, service.get(item_id), PantryItemOut)
    return tagged(
        response, PantryItemOut.model_validate(service.update(item_id, body, at=services.clock.now()))
    )


@router.delete(
    "/items/{item_id}",
    summary="Remove an item (not counted as eaten or wasted)",
    **delete_route(NOT_FOUND),
)
def delete_item(item_id: str, user: CurrentUser, session: SessionDep, if_match: IfMatch = None) -> Response:
    service = PantryService(session, user.id)
    check_if_match(session, if_match, service.get(item_id), PantryItemOut)
    service.delete(item_id)
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
        Day | None, Query(description="first purchase day counted; all time when omitted")
    ] = None,
) -> PantryStatsOut:
    today = local_today(services.clock.now(), user.timezone)
    return PantryStatsOut.model_validate(PantryService(session, user.id).stats(today, since))
