"""Ports: the few things the domain needs from the outside world, as typing.Protocols.

Each port has an AWS adapter (foodsave.adapters.aws) and a local adapter (foodsave.adapters.local)
that honour the same contract; tests run one contract suite against both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from foodsave.events import Event


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    etag: str
    size: int
    content_type: str | None = None


@dataclass(frozen=True)
class UploadSlot:
    """A presigned POST: the app sends `fields` plus the file to `url` as multipart/form-data."""

    url: str
    fields: dict[str, str]
    key: str
    expires_at: datetime
    max_bytes: int
    content_types: tuple[str, ...] = field(default_factory=tuple)


@runtime_checkable
class ObjectStore(Protocol):
    bucket: str

    def put(self, key: str, data: bytes, content_type: str | None = None) -> ObjectInfo: ...
    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> ObjectInfo | None:
        """Create `key` only if no object has it; None (and nothing written) when it already exists."""
        ...

    def get(self, key: str) -> bytes: ...
    def head(self, key: str) -> ObjectInfo | None: ...
    def delete(self, key: str) -> None: ...
    def delete_prefix(self, prefix: str) -> int: ...
    def list(self, prefix: str) -> list[str]: ...
    def download_to(self, key: str, path: Path) -> Path: ...
    def presigned_post(
        self, key: str, content_types: tuple[str, ...], max_bytes: int, expires_seconds: int
    ) -> UploadSlot: ...
    def ping(self) -> None: ...


@runtime_checkable
class Queue(Protocol):
    def send(self, body: dict[str, Any], *, attributes: dict[str, str] | None = None) -> str: ...
    def depth(self) -> int: ...


@runtime_checkable
class EventBus(Protocol):
    def publish(self, event: Event) -> None: ...


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime: ...


@runtime_checkable
class HoldPoints(Protocol):
    """Named places in long-running work (a chat turn, a receipt reading, a document indexing) where a
    crash test can hold the work mid-flight; in production every hold passes at once."""

    def hold(self, point: str) -> None: ...


class NoHolds:
    """Holds nothing: the production behaviour."""

    def hold(self, point: str) -> None:
        return None
