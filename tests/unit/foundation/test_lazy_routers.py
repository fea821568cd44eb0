"""Routers mounted on first use: each declared prefix is exactly what its router serves, a request mounts only
the routers its path needs, and a path nobody declares gets the full app's answer."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from foodsave.api.functions import FUNCTION_ROUTERS, ROUTER_PREFIXES
from foodsave.api.lazy_routers import RouterLoader, covers

ALL_ROUTERS = [(function, name) for function, names in FUNCTION_ROUTERS.items() for name in names]


def _paths(name: str) -> set[str]:
    return {route.path for route in importlib.import_module(f"foodsave.api.routers.{name}").router.routes}


@pytest.mark.parametrize(("function", "name"), ALL_ROUTERS)
def test_every_route_of_a_router_is_under_one_of_its_declared_prefixes(function, name):
    assert name in ROUTER_PREFIXES, f"{function}: router {name!r} declares no prefixes"
    uncovered = {p for p in _paths(name) if not any(covers(prefix, p) for prefix in ROUTER_PREFIXES[name])}
    assert uncovered == set()


@pytest.mark.parametrize(("function", "name"), ALL_ROUTERS)
def test_no_route_of_a_router_falls_under_another_routers_prefix(function, name):
    others = [
        p for other in FUNCTION_ROUTERS[function] if other != name for p in ROUTER_PREFIXES.get(other, ())
    ]
    assert {p for p in _paths(name) if any(covers(prefix, p) for prefix in others)} == set()


@pytest.mark.parametrize(
    ("prefix", "path", "expected"),
    [
        ("/v1/pantry", "/v1/pantry", True),
        ("/v1/pantry", "/v1/pantry/items/1", True),
        ("/v1/pantry", "/v1/pantryx", False),
        ("/v1/shopping-list", "/v1/shopping", False),
    ],
)
def test_a_prefix_covers_paths_on_segment_boundaries(prefix, path, expected):
    assert covers(prefix, path) is expected


def test_a_request_mounts_only_the_router_its_path_needs():
    loader = RouterLoader(FastAPI(), FUNCTION_ROUTERS["agent-chat"], ROUTER_PREFIXES)
    loader.ensure("/v1/pantry/items")
    loader.ensure("/v1/pantry/stats")
    assert loader.mounted == ["pantry"]


def test_a_request_builds_only_the_routes_of_its_router_that_its_path_reaches():
    app = FastAPI()
    loader = RouterLoader(app, FUNCTION_ROUTERS["agent-chat"], ROUTER_PREFIXES)
    loader.ensure("/v1/pantry/items")
    built = {
        (route.path, *sorted(route.methods)) for route in app.router.routes if route.path.startswith("/v1")
    }
    assert built == {("/v1/pantry/items", "GET"), ("/v1/pantry/items", "POST")}


def test_after_mount_all_every_route_of_the_function_is_served_as_declared():
    app = FastAPI()
    loader = RouterLoader(app, FUNCTION_ROUTERS["agent-chat"], ROUTER_PREFIXES)
    loader.ensure("/v1/pantry/items/00000000-0000-4000-8000-000000000001")
    loader.mount_all()
    declared = [
        route.path
        for name in FUNCTION_ROUTERS["agent-chat"]
        for route in importlib.import_module(f"foodsave.api.routers.{name}").router.routes
    ]
    assert [route.path for route in app.router.routes if route.path.startswith("/v1")] == declared
    assert loader.mounted == list(FUNCTION_ROUTERS["agent-chat"])


def test_a_router_without_declared_prefixes_is_mounted_on_the_first_request():
    loader = RouterLoader(FastAPI(), ("health", "pantry"), {"pantry": ("/v1/pantry",)})
    loader.ensure("/v1/pantry/items")
    assert loader.mounted == ["health", "pantry"]


def test_an_undeclared_path_mounts_every_router_so_it_gets_the_full_apps_404():
    app = FastAPI()
    loader = RouterLoader(app, FUNCTION_ROUTERS["alert-evaluator"], ROUTER_PREFIXES)
    loader.ensure("/v1/nowhere")
    assert loader.mounted == list(FUNCTION_ROUTERS["alert-evaluator"])
    assert TestClient(app).get("/v1/nowhere").status_code == 404


def _loaded_after(statement: str, prefix: str) -> list[str]:
    probe = f"import sys; {statement}; print(sorted(m for m in sys.modules if m.startswith({prefix!r})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return list(ast.literal_eval(out.strip()))


def test_the_notifications_routes_load_no_pantry_schemas() -> None:
    assert _loaded_after("import foodsave.api.routers.notifications", "foodsave.pantry.schemas") == []


def test_the_search_routes_load_no_aggregates_models_before_a_search_of_documents() -> None:
    assert _loaded_after("import foodsave.api.routers.search", "foodsave.db.models.") == [
        "foodsave.db.models.base"
    ]


# Paths as clients send them: percent-encoded characters, an encoded slash, doubled trailing slashes. Starlette
# routes on the decoded path, so a cold container must build the routes the decoded path reaches. Each request
# is answered by routing alone (a 405 or a slash redirect needs the route built), so no endpoint runs.
AS_SENT = [
    ("PUT", "/v1/shopping-list/clear%2Ddone"),
    ("POST", "/v1/recipes/%73uggestions"),
    ("GET", "/v1/pantry/items%2F"),
    ("GET", "/v1/pantry/items//"),
    ("DELETE", "/v1/pantry/items"),
    ("DELETE", "/v1/pantry%2Fitems"),
]


@pytest.mark.parametrize("root_path", ["", "/prod"])
@pytest.mark.parametrize(("method", "path"), AS_SENT)
def test_a_cold_container_answers_a_path_as_sent_exactly_as_the_whole_app(method, path, root_path):
    """Directly and behind a root path (an API Gateway stage)."""
    from foodsave.api.apps import function_app, routerless_app

    cold = RouterLoader(routerless_app("agent-chat"), FUNCTION_ROUTERS["agent-chat"], ROUTER_PREFIXES)
    answer = TestClient(cold.app, root_path=root_path).request(method, path, follow_redirects=False)
    whole = TestClient(function_app("agent-chat"), root_path=root_path)
    expected = whole.request(method, path, follow_redirects=False)
    assert expected.status_code in (307, 405)
    assert (answer.status_code, answer.headers.get("allow"), answer.headers.get("location")) == (
        expected.status_code,
        expected.headers.get("allow"),
        expected.headers.get("location"),
    )


@pytest.mark.parametrize(
    ("path", "root_path"),
    [
        ("/v1/pantry", ""),
        ("/prod/v1/pantry", "/prod"),
        ("/prod", "/prod"),
        ("/production/v1", "/prod"),
        ("/", ""),
    ],
)
def test_the_route_path_is_the_one_starlette_routes_on(path, root_path):
    from starlette._utils import get_route_path

    from foodsave.api.lazy_routers import route_path

    scope = {"type": "http", "path": path, "root_path": root_path}
    assert route_path(scope) == get_route_path(scope)


def test_a_router_that_fails_to_mount_is_answered_by_the_apps_own_problem_handler():
    from foodsave.api.apps import routerless_app

    loader = RouterLoader(routerless_app("agent-chat"), ("missing",), {"missing": ("/v1/missing",)})
    answer = TestClient(loader.app, raise_server_exceptions=False).get("/v1/missing")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"


def _unreachable_services(request: Request):  # type: ignore[no-untyped-def]
    """No services in a routing test: the 503 names the route that was reached."""
    from foodsave.errors import Unavailable

    raise Unavailable(f"reached {request.method} {request.scope['route'].path}")


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@pytest.mark.parametrize("function", list(FUNCTION_ROUTERS))
def test_every_declared_path_and_method_is_routed_by_a_cold_container_as_by_the_whole_app(function):
    """Each request on a container of its own, with and without a trailing slash, every method: the same status,
    `Allow`, `Location` and body. The services are unreachable on both apps, so a routed request ends in a 503
    that names the route it reached, before any endpoint's work."""
    import re

    from foodsave.api.apps import function_app, routerless_app
    from foodsave.api.deps import services_dep

    whole_app = function_app(function)
    whole_app.dependency_overrides[services_dep] = _unreachable_services
    whole = TestClient(whole_app)
    example = "00000000-0000-4000-8000-000000000001"
    paths = {re.sub(r"\{[^}]+\}", example, p) for name in FUNCTION_ROUTERS[function] for p in _paths(name)}
    differences = []
    for path in sorted(paths | {p + "/" for p in paths}):
        for method in METHODS:
            cold = RouterLoader(routerless_app(function), FUNCTION_ROUTERS[function], ROUTER_PREFIXES)
            cold.app.dependency_overrides[services_dep] = _unreachable_services
            answer = TestClient(cold.app).request(method, path, follow_redirects=False)
            expected = whole.request(method, path, follow_redirects=False)
            got, want = (
                (r.status_code, r.headers.get("allow"), r.headers.get("location"), r.text)
                for r in (answer, expected)
            )
            if got != want:
                differences.append((method, path, got, want))
    assert differences == []
