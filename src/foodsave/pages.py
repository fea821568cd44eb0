"""A page of a list answer (`items`, `total`, `limit`, `offset`), shared by every list route; kept apart from
any aggregate's schemas so that a route listing one aggregate loads no other's."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
