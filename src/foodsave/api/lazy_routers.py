"""Routers mounted on first use: a Lambda API function imports and includes only the routers a request's path
needs (building one router's FastAPI routes and pydantic schemas takes tens of milliseconds), so a cold start
pays for the router it serves, not for all of them. A path that no declared prefix covers mounts every router,
so its 404 or 405 is the full app's answer; a router without declared prefixes is mounted on any request."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping

from fastapi import FastAPI


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
        self.mounted: list[str] = []
        self._lock = threading.Lock()

    def needed(self, path: str) -> list[str]:
        """The routers not yet mounted that a request to `path` needs, in the function's order."""
        covering = {name for name, owned in self._prefixes.items() if any(covers(p, path) for p in owned)}
        if not covering:
            return list(self._pending)
        return [name for name in self._pending if name in covering or name not in self._prefixes]

    def ensure(self, path: str) -> None:
        """Mount what a request to `path` needs before it is routed."""
        if self._pending:
            with self._lock:
                for name in self.needed(path):
                    self._mount(name)

    def mount_all(self) -> None:
        """Every router (a SnapStart snapshot is taken with the whole app built)."""
        with self._lock:
            for name in list(self._pending):
                self._mount(name)

    def _mount(self, name: str) -> None:
        importlib.import_module(f"foodsave.api.routers.{name}").router.mount(self.app.router)
        self._pending.remove(name)
        self.mounted.append(name)
