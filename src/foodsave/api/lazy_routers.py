"""Routers mounted on first use: a Lambda API function imports only the routers a request's path needs and
builds only the routes of theirs that the request may reach (those serving its method on its path, or when
none does every route of the path, for the 405 or the slash redirect; building one FastAPI route, its dependency
tree and pydantic fields, takes milliseconds), so a cold start pays for the route it serves, not for all of them. A path
that no declared prefix covers mounts every router whole, so its 404 or 405 is the full app's answer; a router
without declared prefixes is mounted whole on any request. The loader mounts from within the app (an ASGI
middleware just before routing), on the path Starlette routes on (decoded, less the root path: `route_path`), so
`/v1/shopping-list/clear%2Ddone` builds the routes that `/v1/shopping-list/clear-done` reaches."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from foodsave.api.route_table import TableMount


def covers(prefix: str, path: str) -> bool:
    """`prefix` covers `path` on a segment boundary: /v1/pantry covers /v1/pantry/items, not /v1/pantryx."""
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def route_path(scope: Scope) -> str:
    """The path Starlette's routes match: the (decoded) path less the root path where it starts with it, on a
    segment boundary (what `starlette._utils.get_route_path` computes)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root) :] if path[len(root)] == "/" else path


class MountOnFirstUse:
    """ASGI middleware: mounts what a request's route path needs, then passes the request on."""

    def __init__(self, app: ASGIApp, loader: RouterLoader) -> None:
        self.app = app
        self.loader = loader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.loader.ensure(route_path(scope), scope.get("method"))
        await self.app(scope, receive, send)


class RouterLoader:
    """Includes the routers of one function into its app as requests need them (thread-safe, once each)."""

    def __init__(
        self, app: FastAPI, routers: tuple[str, ...], prefixes: Mapping[str, tuple[str, ...]]
    ) -> None:
        self.app = app
        self._prefixes = {name: prefixes[name] for name in routers if name in prefixes}
        self._pending = list(routers)
        self._mounts: dict[str, TableMount] = {}
        self.mounted: list[str] = []  # routers with routes built, in the order of their first request
        self._lock = threading.Lock()
        if app.middleware_stack is not None:
            raise RuntimeError("routers are mounted on first use only on an app that has not served yet")
        # Innermost, just before routing: a router that fails to mount is answered by the app's own error
        # handlers (problem+json, metrics), like any other failure of a request.
        app.user_middleware.append(Middleware(MountOnFirstUse, loader=self))

    def needed(self, path: str) -> list[tuple[str, str | None]]:
        """The routers not yet wholly mounted that a request to `path` needs, in the function's order, each
        with the path whose routes it must build (None: all of them)."""
        covering = {name for name, owned in self._prefixes.items() if any(covers(p, path) for p in owned)}
        if not covering:
            return [(name, None) for name in self._pending]
        return [
            (name, path if name in covering else None)
            for name in self._pending
            if name in covering or name not in self._prefixes
        ]

    def ensure(self, path: str, method: str | None = None) -> None:
        """Mount what a `method` request to `path` needs before it is routed."""
        if self._pending:
            with self._lock:
                for name, reaching in self.needed(path):
                    self._mount(name, reaching, method)

    def mount_all(self) -> None:
        """Every route of every router (a SnapStart snapshot is taken with the whole app built)."""
        with self._lock:
            for name in list(self._pending):
                self._mount(name, None)

    def _mount(self, name: str, path: str | None, method: str | None = None) -> None:
        table = self._mounts.get(name)
        if table is None:
            module = importlib.import_module(f"foodsave.api.routers.{name}")
            table = self._mounts[name] = TableMount(module.router, self.app.router)
        table.ensure(path, method)
        if name not in self.mounted:
            self.mounted.append(name)
        if table.complete:
            self._pending.remove(name)
