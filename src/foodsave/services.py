"""The services one process runs with: ports built eagerly, heavy collaborators built on first use.

The composition root (`foodsave.bootstrap`) decides which adapter stands behind each attribute; the domain
receives a `Services` and never chooses an adapter itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from foodsave.ports import HoldPoints, NoHolds

if TYPE_CHECKING:
    from foodsave.agents.llm import ChatLLM
    from foodsave.alerts.metrics_source import MetricsSource
    from foodsave.config import Settings
    from foodsave.db.session import Database
    from foodsave.ports import Clock, EventBus, ObjectStore, Queue
    from foodsave.vectors.embed import Embedder
    from foodsave.vectors.search import SearchService

T = TypeVar("T")


class Lazy(Generic[T]):
    """A collaborator built once, on first use, by `build(services)`; thread-safe. Tests may `set` a fake."""

    def __init__(self, build: Callable[[Services], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._value is not None

    def get(self, services: Services) -> T:
        value = self._value
        if value is not None:
            return value
        with self._lock:
            if self._value is None:
                self._value = self._build(services)
            return self._value

    def set(self, value: T) -> None:
        with self._lock:
            self._value = value


@dataclass(frozen=True, eq=False)
class LazyParts:
    """What is too heavy for a cold start (models, indexes, remote clients), each built when first asked for."""

    llm: Lazy[ChatLLM]
    embedder: Lazy[Embedder]
    search: Lazy[SearchService]
    metrics_source: Lazy[MetricsSource]


@dataclass(eq=False)
class Services:
    settings: Settings
    db: Database
    store: ObjectStore
    queue: Queue
    bus: EventBus
    clock: Clock
    lazy: LazyParts
    # Where uploaded receipts wait for OCR, for re-handing a stranded one (None: nothing to hand it to).
    receipt_queue: Queue | None = None
    # Where crash tests hold long work mid-flight (local runtime only); production holds nothing.
    holds: HoldPoints = field(default_factory=NoHolds)

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if name == "clock" and "db" in self.__dict__:
            # Rows are dated by the services' clock, also when one is swapped in later (tests, the demo).
            self.db.clock = self.clock

    @property
    def llm(self) -> ChatLLM:
        """The language model that rephrases chat replies (offline template or Bedrock)."""
        return self.lazy.llm.get(self)

    @property
    def embedder(self) -> Embedder:
        """The embedder that indexes and queries use (its name is stamped into each index)."""
        return self.lazy.embedder.get(self)

    @property
    def search(self) -> SearchService:
        """One SearchService per container: readers, mapped indexes and the embedder stay loaded."""
        return self.lazy.search.get(self)

    @property
    def metrics_source(self) -> MetricsSource:
        """Where the operational alert rules read their metrics (CloudWatch or metric_points), gauges probed."""
        return self.lazy.metrics_source.get(self)

    def dispatch_outbox(self) -> int:
        """Publish events committed by the last unit of work (best effort; the schedule retries)."""
        from foodsave.outbox import dispatch_pending

        try:
            with self.db.session() as session:
                return dispatch_pending(session, self.bus, self.clock)
        except Exception:  # noqa: BLE001 - events stay in the outbox for the next run
            return 0
