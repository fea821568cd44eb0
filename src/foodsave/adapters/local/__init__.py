"""Embedded adapters for a laptop: files under FOODSAVE_DATA_DIR, in-process queue, bus and clock."""

from foodsave.adapters.local.bus import LocalEventBus
from foodsave.adapters.local.clock import FrozenClock, SystemClock
from foodsave.adapters.local.objects import LocalObjectStore
from foodsave.adapters.local.queue import LocalQueue

__all__ = ["FrozenClock", "LocalEventBus", "LocalObjectStore", "LocalQueue", "SystemClock"]
