"""A router module's routes, declared where they are written and built once, on the app that serves them.

FastAPI builds a route (its dependency tree, a pydantic field per parameter, the response field and the
handler) when it is declared on an `APIRouter`, and an app that includes that router builds every one of its
routes again, for the app, on the first request that reaches it. A `RouteTable` only records what its
decorators declare; `mount` adds each route to the app's own router, which builds it once, with the app's
dependencies, exactly as `include_router` would have served it (prefix, tags, `include_in_schema`).

A cold Lambda function builds only the routes its first request can reach (`TableMount`): the routes whose path
pattern matches the request's path and that serve its method (Starlette routes to the first of them); when none
does, every route whose pattern matches the path with or without a trailing slash, so that every method's route
is there for a 405 and Starlette's slash redirect finds its target. The table's other routes are built when a
request for them arrives, and take their places in declaration order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fastapi import APIRouter
    from starlette.routing import BaseRoute

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True)
class DeclaredRoute:
    """One path operation as declared: its full path, methods, endpoint and FastAPI's route options."""

    path: str
    methods: tuple[str, ...]
    endpoint: Callable[..., Any]
    options: dict[str, Any]


class RouteTable:
    """The `APIRouter` decorators a router module uses (`get`, `post`, `put`, `patch`, `delete`), recording."""

    def __init__(
        self, *, prefix: str = "", tags: list[str] | None = None, include_in_schema: bool = True
    ) -> None:
        self.prefix = prefix
        self.tags = list(tags or [])
        self.include_in_schema = include_in_schema
        self.routes: list[DeclaredRoute] = []

    def api_route(
        self, path: str, *, methods: tuple[str, ...], **options: Any
    ) -> Callable[[Endpoint], Endpoint]:
        def declare(endpoint: Endpoint) -> Endpoint:
            self.routes.append(DeclaredRoute(self.prefix + path, methods, endpoint, options))
            return endpoint

        return declare

    def get(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self.api_route(path, methods=("GET",), **options)

    def post(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self.api_route(path, methods=("POST",), **options)

    def put(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self.api_route(path, methods=("PUT",), **options)

    def patch(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self.api_route(path, methods=("PATCH",), **options)

    def delete(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self.api_route(path, methods=("DELETE",), **options)

    def mount(self, router: APIRouter, routes: Sequence[DeclaredRoute] | None = None) -> list[BaseRoute]:
        """Build `routes` (by default every declared route) on `router` (an app's `app.router`), in the order
        given: all of them or, if one fails to build, none (the routes added before it are taken off again).
        Returns the built routes."""
        mounted = len(router.routes)
        try:
            self._add_all(router, self.routes if routes is None else routes)
        except BaseException:
            del router.routes[mounted:]
            raise
        return list(router.routes[mounted:])

    def _add_all(self, router: APIRouter, routes: Sequence[DeclaredRoute]) -> None:
        for route in routes:
            options = dict(route.options)
            tags = [*self.tags, *options.pop("tags", [])]
            include_in_schema = self.include_in_schema and options.pop("include_in_schema", True)
            router.add_api_route(
                route.path,
                route.endpoint,
                methods=list(route.methods),
                tags=tags or None,
                include_in_schema=include_in_schema,
                **options,
            )


class TableMount:
    """One route table built on one app's router a route at a time, as requests need them."""

    def __init__(self, table: RouteTable, router: APIRouter) -> None:
        from starlette.routing import compile_path

        self.table = table
        self.router = router
        self._patterns: list[re.Pattern[str]] = [compile_path(route.path)[0] for route in table.routes]
        self._built: dict[int, BaseRoute] = {}

    @property
    def complete(self) -> bool:
        return len(self._built) == len(self.table.routes)

    def reaching(self, path: str, method: str | None = None) -> list[int]:
        """The positions of the declared routes a `method` request to `path` may reach: those matching the path
        that serve the method (one of them answers it); when none does (or no method is given), every route
        matching the path with either slash, for the 405 and its `Allow` or the slash redirect."""
        if method is not None:
            serving = [
                i
                for i, pattern in enumerate(self._patterns)
                if method in self.table.routes[i].methods and pattern.match(path)
            ]
            if serving:
                return serving
        other = path.rstrip("/") if path.endswith("/") else path + "/"  # as Starlette's slash redirect
        return [i for i, pattern in enumerate(self._patterns) if pattern.match(path) or pattern.match(other)]

    def ensure(self, path: str | None = None, method: str | None = None) -> None:
        """Build the routes a `method` request to `path` may reach (every route when `path` is None) that are
        not built yet, all or none, and keep the table's built routes in declaration order on the router."""
        wanted = range(len(self.table.routes)) if path is None else self.reaching(path, method)
        missing = [i for i in wanted if i not in self._built]
        if not missing:
            return
        built = self.table.mount(self.router, [self.table.routes[i] for i in missing])
        self._built.update(zip(missing, built, strict=True))
        self._order()

    def _order(self) -> None:
        """The table's routes, wherever they stand among the router's, put back in declaration order; the
        router's list is replaced in one assignment, so a request routed meanwhile sees either order whole."""
        ours = {id(route) for route in self._built.values()}
        in_order = iter(self._built[position] for position in sorted(self._built))
        self.router.routes[:] = [
            next(in_order) if id(route) in ours else route for route in self.router.routes
        ]
