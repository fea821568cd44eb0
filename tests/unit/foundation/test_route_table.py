"""A RouteTable mounts its routes on an app all at once: a route that fails to build leaves none behind, so
mounting again later does not serve the earlier routes twice. A TableMount builds only the routes a request may
reach (those serving its method on its path, else every route of the path), and the app answers that request
exactly as the whole table would."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.exceptions import FastAPIError
from fastapi.testclient import TestClient

from foodsave.api.route_table import RouteTable, TableMount


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


def _things() -> RouteTable:
    """A table whose literal path is declared before the parameter that would also match it."""
    table = RouteTable(prefix="/v1/things")

    @table.get("")
    def list_things() -> list[str]:
        return ["all"]

    @table.post("", status_code=201)
    def add_thing() -> str:
        return "added"

    @table.get("/expiring")
    def expiring_things() -> list[str]:
        return ["expiring"]

    @table.get("/{thing_id}")
    def one_thing(thing_id: str) -> str:
        return f"thing {thing_id}"

    @table.delete("/{thing_id}", status_code=204)
    def delete_thing(thing_id: str) -> None:
        return None

    return table


def test_a_request_builds_only_the_routes_its_path_may_reach() -> None:
    app = FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things")
    assert _paths(app) == ["/v1/things", "/v1/things"]  # GET and POST: both methods of the path


def test_a_request_builds_only_the_routes_serving_its_method_on_its_path() -> None:
    app = FastAPI()
    mount = TableMount(_things(), app.router)
    mount.ensure("/v1/things", "GET")
    assert _paths(app) == ["/v1/things"]
    assert TestClient(app).get("/v1/things").json() == ["all"]
    mount.ensure("/v1/things", "POST")
    assert [(r.path, sorted(r.methods)) for r in app.router.routes if r.path.startswith("/v1")] == [
        ("/v1/things", ["GET"]),
        ("/v1/things", ["POST"]),
    ]


def test_every_route_serving_the_method_is_built_so_the_first_declared_answers() -> None:
    app = FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things/expiring", "GET")
    assert _paths(app) == ["/v1/things/expiring", "/v1/things/{thing_id}"]
    assert TestClient(app).get("/v1/things/expiring").json() == ["expiring"]


@pytest.mark.parametrize("method", ["DELETE", "HEAD", "PUT"])
def test_a_method_no_route_serves_builds_every_route_of_the_path_for_the_whole_tables_405(
    method: str,
) -> None:
    app, whole = FastAPI(), FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things", method)
    _things().mount(whole.router)
    assert _paths(app) == ["/v1/things", "/v1/things"]
    answer = TestClient(app).request(method, "/v1/things")
    expected = TestClient(whole).request(method, "/v1/things")
    assert answer.status_code == expected.status_code == 405
    assert answer.headers["allow"] == expected.headers["allow"]


def test_a_method_request_with_a_trailing_slash_still_builds_the_route_it_redirects_to() -> None:
    app = FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things/", "GET")
    answer = TestClient(app).get("/v1/things/", follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"].endswith("/v1/things")


def test_routes_built_later_take_their_declared_places_so_routing_is_unchanged() -> None:
    app = FastAPI()
    mount = TableMount(_things(), app.router)
    client = TestClient(app)
    mount.ensure("/v1/things/42")
    assert client.get("/v1/things/42").json() == "thing 42"
    mount.ensure("/v1/things/expiring")
    assert client.get("/v1/things/expiring").json() == ["expiring"]
    mount.ensure("/v1/things")
    assert _paths(app) == [route.path for route in _things().routes]
    assert mount.complete


def test_another_method_on_a_built_path_gets_the_whole_tables_405() -> None:
    app, whole = FastAPI(), FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things")
    _things().mount(whole.router)
    answer, expected = TestClient(app).delete("/v1/things"), TestClient(whole).delete("/v1/things")
    assert answer.status_code == expected.status_code == 405
    assert answer.headers["allow"] == expected.headers["allow"]


def test_a_path_with_a_trailing_slash_builds_the_route_it_redirects_to() -> None:
    app = FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things/")
    answer = TestClient(app).get("/v1/things/", follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"].endswith("/v1/things")


def test_without_a_path_every_route_is_built_once() -> None:
    app = FastAPI()
    mount = TableMount(_things(), app.router)
    mount.ensure("/v1/things")
    mount.ensure()
    mount.ensure()
    assert _paths(app) == [route.path for route in _things().routes]


def test_a_path_with_doubled_trailing_slashes_builds_the_route_it_redirects_to() -> None:
    app, whole = FastAPI(), FastAPI()
    TableMount(_things(), app.router).ensure("/v1/things//")
    _things().mount(whole.router)
    answer = TestClient(app).get("/v1/things//", follow_redirects=False)
    expected = TestClient(whole).get("/v1/things//", follow_redirects=False)
    assert answer.status_code == expected.status_code == 307
    assert answer.headers["location"] == expected.headers["location"]
