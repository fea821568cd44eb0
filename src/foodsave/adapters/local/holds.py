"""Hold points for crash tests of the local runtime: `FOODSAVE_HOLD_POINTS=chat.reply=3,receipt.ocr=1`
holds the first 3 chat turns that reach `chat.reply` and the first receipt reading that reaches
`receipt.ocr`, each until the process is killed (or a `release` file appears). Each held piece of work
first writes a marker file `<point>.<n>` to the holds folder, so a test knows the work is mid-flight
before it kills the process. Only the local runtime reads the setting; in AWS every hold passes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from foodsave.errors import InvalidInput

RELEASE = "release"


def parse_spec(spec: str) -> dict[str, int]:
    """`name=count,name` (count 1 by default) as {name: count}; anything else is InvalidInput."""
    counts: dict[str, int] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, _, count = part.partition("=")
        name = name.strip()
        if not name or not all(c.isalnum() or c in "._-" for c in name):
            raise InvalidInput(f"hold point {part!r} is not `name` or `name=count`")
        try:
            counts[name] = int(count) if count.strip() else 1
        except ValueError as exc:
            raise InvalidInput(f"hold point {part!r}: the count is not a whole number") from exc
        if counts[name] < 0:
            raise InvalidInput(f"hold point {part!r}: the count is negative")
    return counts


class FileHolds:
    """Holds the first `count` arrivals at each named point; the rest pass. Thread-safe."""

    def __init__(self, counts: dict[str, int], folder: Path, poll_seconds: float = 0.05) -> None:
        self._left = dict(counts)
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()
        self.folder = folder
        self.poll_seconds = poll_seconds
        folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_spec(cls, spec: str, folder: Path) -> FileHolds:
        return cls(parse_spec(spec), folder)

    def hold(self, point: str) -> None:
        with self._lock:
            if self._left.get(point, 0) <= 0:
                return
            self._left[point] -= 1
            self._held[point] = n = self._held.get(point, 0) + 1
        (self.folder / f"{point}.{n}").touch()
        release = self.folder / RELEASE
        while not release.exists():
            time.sleep(self.poll_seconds)
