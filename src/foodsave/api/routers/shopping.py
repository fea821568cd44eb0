"""Shopping-list routes (`/v1/shopping-list`) and spending from stored receipts (`/v1/spending`)."""

from __future__ import annotations

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
from foodsave.days import Day, shift
from foodsave.errors import InvalidInput
from foodsave.pantry.schemas import Category, Page
from foodsave.pantry.service import local_today
from foodsave.shopping.schemas import (
    ClearedOut,
    ShoppingItemIn,
    ShoppingItemOut,
    ShoppingItemPatch,
    SpendingOut,
)
from foodsave.shopping.service import ShoppingListService
from foodsave.shopping.spending import spending

router = RouteTable(tags=["shopping"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such item for this user"}}
MAX_SPENDING_DAYS = 3660


@router.get(
    "/v1/shopping-list",
    response_model=Page[ShoppingItemOut],
    summary="The shopping list, open lines first",
    description="Open lines first, then by `sort` (when added, or name); `q` matches names ignoring case and "
    "Polish accents; page with `limit` and `offset`.",
)
def list_shopping(
    user: CurrentUser,
    session: SessionDep,
    done: Annotated[bool | None, Query(description="only bought (`true`) or open (`false`) lines")] = None,
    q: Annotated[str | None, Q_QUERY] = None,
    sort: Annotated[Literal["created_at", "name"], Query(description="the field to sort by")] = "created_at",
    order: Annotated[Order, ORDER_QUERY] = "asc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[ShoppingItemOut]:
    rows, total = ShoppingListService(session, user.id).list(
        done=done, limit=limit, offset=offset, q=q, sort=sort, order=order
    )
    return Page[ShoppingItemOut](
        items=[ShoppingItemOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post(
    "/v1/shopping-list",
    response_model=ShoppingItemOut,
    status_code=201,
    summary="Add a line (an open line for the same product and unit grows instead)",
    description="Answers 201 with the line (new or grown), its `Location` and `ETag`. Send an "
    "`Idempotency-Key` so a retry does not grow the line twice.",
    responses={201: {"headers": {**LOCATION_HEADER, **ETAG_HEADER}}},
)
def add_shopping(
    body: ShoppingItemIn, user: CurrentUser, session: SessionDep, response: Response
) -> ShoppingItemOut:
    item = ShoppingItemOut.model_validate(
        ShoppingListService(session, user.id).add(body.name, body.quantity, body.unit)
    )
    response.headers["Location"] = f"/v1/shopping-list/{item.id}"
    return tagged(response, item)


@router.post(
    "/v1/shopping-list/clear-done", response_model=ClearedOut, summary="Remove the lines already bought"
)
def clear_done(user: CurrentUser, session: SessionDep) -> ClearedOut:
    return ClearedOut(removed=ShoppingListService(session, user.id).clear_done())


@router.get(
    "/v1/shopping-list/{item_id}",
    response_model=ShoppingItemOut,
    responses={**NOT_FOUND, **READ_RESPONSES},
    summary="One line",
)
def get_shopping(item_id: str, user: CurrentUser, session: SessionDep, response: Response) -> ShoppingItemOut:
    return tagged(
        response, ShoppingItemOut.model_validate(ShoppingListService(session, user.id).get(item_id))
    )


@router.patch(
    "/v1/shopping-list/{item_id}",
    response_model=ShoppingItemOut,
    summary="Change a line or tick it off (`done`)",
    **patch_route(NOT_FOUND, "another phone changed the line"),
)
def update_shopping(
    item_id: str,
    body: ShoppingItemPatch,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> ShoppingItemOut:
    service = ShoppingListService(session, user.id)
    check_if_match(session, if_match, service.get(item_id), ShoppingItemOut)
    return tagged(response, ShoppingItemOut.model_validate(service.update(item_id, body)))


@router.delete(
    "/v1/shopping-list/{item_id}",
    summary="Remove a line (send `If-Match` to refuse when it changed meanwhile)",
    **delete_route(NOT_FOUND),
)
def delete_shopping(
    item_id: str, user: CurrentUser, session: SessionDep, if_match: IfMatch = None
) -> Response:
    service = ShoppingListService(session, user.id)
    check_if_match(session, if_match, service.get(item_id), ShoppingItemOut)
    service.delete(item_id)
    return Response(status_code=204)


@router.get(
    "/v1/spending",
    response_model=SpendingOut,
    summary="Money spent on stored receipts between two days (inclusive), by category and merchant",
)
def get_spending(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    start: Annotated[Day | None, Query(description="first day; 30 days before `end` when omitted")] = None,
    end: Annotated[Day | None, Query(description="last day; today when omitted")] = None,
    category: Category | None = None,
    merchant: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> SpendingOut:
    end = end or local_today(services.clock.now(), user.timezone)
    start = start or shift(end, -30, "start")
    if end < start:
        raise InvalidInput("end must not be before start")
    if (end - start).days > MAX_SPENDING_DAYS:
        raise InvalidInput("the period can be at most 10 years")
    result = spending(session, user.id, start, end, category=category, merchant=merchant)
    return SpendingOut(
        start=start,
        end=end,
        total=result.total,
        by_category=result.by_category,
        by_merchant=result.by_merchant,
        receipts=result.receipts,
        currency=result.currency,
    )
