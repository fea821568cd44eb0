"""Query vectors remembered per process: people ask the same questions again, and embedding one with
multilingual-e5-small costs milliseconds of CPU that a dictionary lookup does not.

Entries are keyed by the embedder's name and version and the normalised question, so a vector made by one
model is never handed to a search with another; the cache is bounded (least recently used out first), and
its vectors are read-only so no caller can change what the next one gets.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from foodsave.vectors.embed import Embedder

DEFAULT_ENTRIES = 2048  # 384 floats each: about 3 MB for e5-small


def normalise_query(text: str) -> str:
    """The text that is embedded and remembered: NFC, whitespace runs as one space, no edge spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class QueryVectorCache:
    """A thread-safe LRU of query vectors; `embed_query(embedder, text)` is the only way in."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("the query vector cache needs room for at least one entry")
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str, str], NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def embed_query(self, embedder: Embedder, text: str) -> NDArray[np.float32]:
        """The embedder's vector of the normalised `text`, computed once while it stays in the cache."""
        query = normalise_query(text)
        key = (embedder.name, str(embedder.version), query)
        with self._lock:
            vector = self._entries.get(key)
            if vector is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return vector
            self.misses += 1
        vector = embedder.embed_query(query)  # outside the lock: other questions need not wait for this one
        vector.setflags(write=False)
        with self._lock:
            self._entries[key] = vector
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return vector

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict[str, Any]:
        """Entries, hits and misses since the process started (for `/v1/status`)."""
        with self._lock:
            return {"entries": len(self._entries), "hits": self.hits, "misses": self.misses}


# One per process: every SearchService of the process shares it (keys carry the embedder).
QUERY_VECTORS = QueryVectorCache()
