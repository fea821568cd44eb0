"""Pantry CRUD: `/v1/pantry/items`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from foodsave.api.deps import CurrentUser, SessionDep
from foodsave.pantry.schemas import Category, Page, PantryItemIn, PantryItemOut, PantryItemPatch, Status
from foodsave.pantry.service import PantryService

router = APIRouter(prefix="/v1/pantry", tags=["pantry"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such item for this user"}}


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
def update_item(item_id: str, body: PantryItemPatch, user: CurrentUser, session: SessionDep) -> PantryItemOut:
    return PantryItemOut.model_validate(PantryService(session, user.id).update(item_id, body))


@router.delete("/items/{item_id}", status_code=204, responses=NOT_FOUND)
def delete_item(item_id: str, user: CurrentUser, session: SessionDep) -> Response:
    PantryService(session, user.id).delete(item_id)
    return Response(status_code=204)
