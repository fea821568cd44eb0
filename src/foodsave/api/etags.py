"""Optimistic concurrency for single items: an `ETag` (a hash of the item's JSON) on reads and writes, and
`If-Match` on PATCH and DELETE, so two phones of one household do not overwrite each other unnoticed."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, TypeVar

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from foodsave.db.locking import claim
from foodsave.errors import FoodSaveError, NotFound

M = TypeVar("M", bound=BaseModel)
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=512,
        description="The `ETag` you last read; a stale tag answers 412 and changes nothing. Omit to overwrite.",
        examples=['"5d41402abc4b2a76b9719d911017c592"'],
    ),
]
ETAG_HEADER: dict[str, Any] = {
    "ETag": {
        "description": "Version of this item; send it back as `If-Match` on PATCH or DELETE",
        "schema": {"type": "string"},
    }
}
LOCATION_HEADER: dict[str, Any] = {
    "Location": {"description": "Path of the created resource", "schema": {"type": "string"}}
}
STALE: dict[str, Any] = {
    "description": "`If-Match` does not match the item's current `ETag`: the problem's `current` is the item "
    "as it is now and `etag` its tag, so a client can merge and retry without another read"
}
# The `responses=` of item routes: reads carry the `ETag`; writes also answer 412 on a stale `If-Match`.
READ_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"headers": ETAG_HEADER}}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {**READ_RESPONSES, 412: STALE}
DELETE_RESPONSES: dict[int | str, dict[str, Any]] = {412: STALE}


def patch_route(not_found: dict[int | str, dict[str, Any]], changed: str, lead: str = "") -> dict[str, Any]:
    """The decorator arguments of a PATCH of one item: its 404 (and other) answers, the `ETag` on 200, 412 on a
    stale `If-Match`, and a description that says so (`changed`: who changed what meanwhile)."""
    return {
        "responses": {**not_found, **WRITE_RESPONSES},
        "description": f"{lead}Send `If-Match` with the `ETag` you read to refuse the change (412) when "
        f"{changed} meanwhile.",
    }


def delete_route(not_found: dict[int | str, dict[str, Any]]) -> dict[str, Any]:
    """The decorator arguments of a DELETE of one item: 204, its 404 and 412 on a stale `If-Match`."""
    return {"status_code": 204, "responses": {**not_found, **DELETE_RESPONSES}}


class PreconditionFailed(FoodSaveError):
    status = 412
    title = "Precondition failed"


def etag_of(item: BaseModel) -> str:
    """A strong entity tag of the item's JSON representation."""
    return '"' + hashlib.sha256(item.model_dump_json().encode()).hexdigest()[:32] + '"'


def require_match(if_match: str | None, current: BaseModel) -> None:
    """Nothing to check without `If-Match`; `*` matches any existing item; otherwise one tag must match.
    A mismatch is 412 whose problem body holds the item as it is now (`current`) and its tag (`etag`)."""
    if if_match is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    tag = etag_of(current)
    if "*" in tags or tag in tags:
        return
    raise PreconditionFailed(
        "The item changed since you read it (If-Match does not match its ETag); read it again.",
        code="PreconditionFailed",
        extensions={"etag": tag, "current": current.model_dump(mode="json")},
    )


def tagged(response: Response, item: M) -> M:
    """The item, with its `ETag` set on the response."""
    response.headers["ETag"] = etag_of(item)
    return item


def check_if_match(session: Session, if_match: str | None, row: Any, schema: type[M]) -> M:
    """The step before a PATCH or DELETE of one item: lock the row (a concurrent writer waits), compare
    `If-Match` with the item as it is now (412 with that state on a mismatch) and return that state."""
    current = locked_view(session, row, schema)
    require_match(if_match, current)
    return current


def locked_view(session: Session, row: Any, schema: type[M]) -> M:
    """The row as it is now, held until the transaction ends (a row lock on PostgreSQL, the write lock on
    SQLite), for an `If-Match` check; NotFound when a concurrent request removed it meanwhile."""
    model = type(row)
    key = inspect(model).primary_key[0]
    if claim(session, model, key == getattr(row, key.key)) != 1:
        raise NotFound("the item was removed meanwhile")
    session.refresh(row)
    return schema.model_validate(row)
