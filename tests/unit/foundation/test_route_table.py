"""A RouteTable mounts its routes on an app all at once: a route that fails to build leaves none behind, so
mounting again later does not serve the earlier routes twice."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.exceptions import FastAPIError

from foodsave.api.route_table import RouteTable


class Opaque:
    """Not a type pydantic can describe."""


def _paths(app: FastAPI) -> list[str]:
    return [
        getattr(route, "path", "")
        for route in app.router.routes
        if getattr(route, "path", "").startswith("/v1")
    ]


def test_a_route_that_fails_to_build_leaves_none_of_the_table_mounted() -> None:
    table = RouteTable(prefix="/v1/things")

    @table.get("")
    def list_things() -> list[str]:
        return []

    @table.get("/{thing_id}", response_model=Opaque)  # FastAPI refuses to build this route
    def one_thing(thing_id: str) -> str:
        return thing_id

    app = FastAPI()
    with pytest.raises(FastAPIError):
        table.mount(app.router)
    assert _paths(app) == []


def test_routes_mount_in_declaration_order_with_the_table_prefix() -> None:
    table = RouteTable(prefix="/v1/things", tags=["things"])

    @table.get("")
    def list_things() -> list[str]:
        return []

    @table.delete("/{thing_id}", status_code=204)
    def delete_thing(thing_id: str) -> None:
        return None

    app = FastAPI()
    table.mount(app.router)
    assert _paths(app) == ["/v1/things", "/v1/things/{thing_id}"]
