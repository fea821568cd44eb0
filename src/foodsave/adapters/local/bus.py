"""Event bus in process: events appended to a JSON-lines file and handed to subscribers."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from foodsave.events import Event

Subscriber = Callable[[Event], None]


class LocalEventBus:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._subscribers: list[tuple[str | None, Subscriber]] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber, event_type: str | None = None) -> None:
        self._subscribers.append((event_type, subscriber))

    def publish(self, event: Event) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only: the events carry users' data.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with open(fd, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(event.to_dict(), default=str) + "\n")
        for event_type, subscriber in list(self._subscribers):
            if event_type is None or event_type == event.type:
                subscriber(event)

    def published(self) -> list[Event]:
        """Every event published so far (tests and the demo read this)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as fh:
            return [Event.from_dict(json.loads(line)) for line in fh if line.strip()]
