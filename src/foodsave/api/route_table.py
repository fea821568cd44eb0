"""A router module's routes, declared where they are written and built once, on the app that serves them.

FastAPI builds a route (its dependency tree, a pydantic field per parameter, the response field and the
handler) when it is declared on an `APIRouter`, and an app that includes that router builds every one of its
routes again, for the app, on the first request that reaches it. A `RouteTable` only records what its
decorators declare; `mount` adds each route to the app's own router, which builds it once, with the app's
dependencies, exactly as `include_router` would have served it (prefix, tags, `include_in_schema`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fastapi import APIRouter

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

    def mount(self, router: APIRouter) -> None:
        """Build every declared route on `router` (an app's `app.router`), in declaration order: all of them
        or, if one fails to build, none (the routes added before it are taken off again)."""
        mounted = len(router.routes)
        try:
            self._add_all(router)
        except BaseException:
            del router.routes[mounted:]
            raise

    def _add_all(self, router: APIRouter) -> None:
        for route in self.routes:
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
