"""A page of a list answer (`items`, `total`, `limit`, `offset`), shared by every list route; kept apart from
any aggregate's schemas so that a route listing one aggregate loads no other's."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    # Built on first use: the generic page itself never validates anything, and a cold container builds only
    # the pages its first request's routes answer with.
    model_config = ConfigDict(defer_build=True)

    items: list[T]
    total: int
    limit: int
    offset: int
