"""Query strings the routes understand: unknown parameters are refused with 400 (a misspelt `?sotr=name` is
an error, not a silently unsorted answer), and the `q` and `order` parameters list routes share."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from foodsave.errors import FoodSaveError


class UnknownQueryParameter(FoodSaveError):
    status = 400
    title = "Bad request"


def _allowed(route: APIRoute) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(route, "_query_names", None)
    if cached is not None:
        return cached
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(p.alias for p in dependant.query_params)
        pending.extend(dependant.dependencies)
    route._query_names = frozenset(names)  # type: ignore[attr-defined]
    return route._query_names  # type: ignore[attr-defined,no-any-return]


async def reject_unknown_query(request: Request) -> None:
    """A dependency of every route: 400 for a query parameter the route does not declare."""
    route: Any = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _allowed(route)
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        hint = f"; this route takes {', '.join(sorted(allowed))}" if allowed else "; this route takes none"
        raise UnknownQueryParameter(
            f"unknown query parameter {', '.join(unknown)}{hint}", code="UnknownQueryParameter"
        )


Order = Literal["asc", "desc"]
ORDER_QUERY: Any = Query(description="`asc` or `desc`; each route documents its default")
Q_QUERY: Any = Query(
    min_length=1,
    max_length=200,
    description="words the name holds, ignoring case and Polish accents (`maslo` finds `Masło`)",
    examples=["masło"],
)
