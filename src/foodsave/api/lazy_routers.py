"""Routers mounted on first use: a Lambda API function imports only the routers a request's path needs and
builds only the routes of theirs that the path may reach (building one FastAPI route, its dependency tree and
pydantic fields, takes milliseconds), so a cold start pays for the route it serves, not for all of them. A path
that no declared prefix covers mounts every router whole, so its 404 or 405 is the full app's answer; a router
without declared prefixes is mounted whole on any request. The loader is the ASGI app a server or Mangum
calls: it decides from the path Starlette routes on (decoded, `get_route_path`), so `/v1/shopping-list/clear%2Ddone`
builds the routes that `/v1/shopping-list/clear-done` reaches."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from foodsave.api.route_table import TableMount


def covers(prefix: str, path: str) -> bool:
    """`prefix` covers `path` on a segment boundary: /v1/pantry covers /v1/pantry/items, not /v1/pantryx."""
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection with the app, having mounted what its path needs first."""
        if scope["type"] in ("http", "websocket"):
            from starlette._utils import get_route_path  # what Starlette's routes match on

            self.ensure(get_route_path(scope))
        await self.app(scope, receive, send)

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

    def ensure(self, path: str) -> None:
        """Mount what a request to `path` needs before it is routed."""
        if self._pending:
            with self._lock:
                for name, reaching in self.needed(path):
                    self._mount(name, reaching)

    def mount_all(self) -> None:
        """Every route of every router (a SnapStart snapshot is taken with the whole app built)."""
        with self._lock:
            for name in list(self._pending):
                self._mount(name, None)

    def _mount(self, name: str, path: str | None) -> None:
        table = self._mounts.get(name)
        if table is None:
            module = importlib.import_module(f"foodsave.api.routers.{name}")
            table = self._mounts[name] = TableMount(module.router, self.app.router)
        table.ensure(path)
        if name not in self.mounted:
            self.mounted.append(name)
        if table.complete:
            self._pending.remove(name)
