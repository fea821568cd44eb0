"""What a published index version is: its manifest, chunk records and their SQLite lookup table, names and errors.

Layout of a version: `indexes/{name}/v{n}/` holds index.faiss, ids.npy, vectors.npy, meta.sqlite, the BM25
table lexical.npz (foodsave.vectors.lexical_table; versions published before it have none) and manifest.json; `indexes/{name}/latest.json` points at the newest complete version. The manifest records the
embedder (name, dimension and version) that built the vectors, so a reader with another embedder refuses.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import InvalidInput, Unavailable
from foodsave.vectors.index import IDS_FILE, INDEX_FILE, VECTORS_FILE

if TYPE_CHECKING:
    from foodsave.vectors.embed import Embedder

FORMAT_VERSION = 1
META_FILE = "meta.sqlite"
MANIFEST_FILE = "manifest.json"
POINTER_FILE = "latest.json"
DATA_FILES = (INDEX_FILE, IDS_FILE, VECTORS_FILE, META_FILE)
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")


def check_index_name(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidInput(f"invalid index name {name!r}: lower-case letters, digits, '.', '_' and '-' only")
    return name


def user_index_name(user_id: str) -> str:
    """Each user's private documents live in their own index: isolation by construction."""
    return check_index_name(f"user-{user_id.lower()}")


def household_index_name(household_id: str) -> str:
    """A household's shared documents live in an index of their own. Indexes published before households had
    this key kind are named like a user's, `user_index_name(household_id)`: the legacy name, read until the
    index-builder has rebuilt the household's index under this one."""
    return check_index_name(f"household-{household_id.lower()}")


class EmbedderMismatch(Unavailable):
    """The index was built with another embedder; querying it would return nonsense."""


class CorruptIndex(Unavailable):
    """A published version is missing a file or fails its checksum."""


@dataclass(frozen=True)
class ChunkRecord:
    id: int
    document_id: str
    position: int
    text: str
    title: str = ""
    source: str = ""


@dataclass(frozen=True)
class Manifest:
    name: str
    version: int
    embedder: str
    dim: int
    index_type: str
    count: int
    created_at: str
    files: dict[str, dict[str, Any]]
    params: dict[str, int] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    source_checksum: str | None = None
    format: int = FORMAT_VERSION
    # Manifests written before versions were recorded read as "" and so never match a current embedder.
    embedder_version: str = ""

    def built_with(self, embedder: Embedder) -> bool:
        """Whether `embedder` is the one (name, dimension and version) that built these vectors."""
        return (self.embedder, self.dim, self.embedder_version) == (
            embedder.name,
            embedder.dim,
            embedder.version,
        )

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise CorruptIndex(f"manifest is not valid: {exc}") from exc


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- chunk metadata in SQLite (lookups by id without loading everything) ----------------------------------------
def write_meta(
    path: Path, records: Iterable[ChunkRecord], spellings: Mapping[str, str] | None = None
) -> None:
    """The chunks, and the version's spellings (folded word -> its spelling with Polish letters) when given:
    a search container looks a question's words up there instead of reading every chunk for them."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "CREATE TABLE chunks (id INTEGER PRIMARY KEY, document_id TEXT NOT NULL, position INTEGER NOT NULL,"
            " title TEXT NOT NULL, source TEXT NOT NULL, text TEXT NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
            ((r.id, r.document_id, r.position, r.title, r.source, r.text) for r in records),
        )
        if spellings is not None:
            conn.execute(
                "CREATE TABLE spellings (folded TEXT PRIMARY KEY, spelling TEXT NOT NULL) WITHOUT ROWID"
            )
            conn.executemany("INSERT INTO spellings VALUES (?, ?)", sorted(spellings.items()))
        conn.commit()
    finally:
        conn.close()


class MetaReader:
    """Read-only chunk lookups; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def get_many(self, ids: Sequence[int]) -> dict[int, ChunkRecord]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT id, document_id, position, text, title, source FROM chunks WHERE id IN ({marks})",
                [int(i) for i in ids],
            ).fetchall()
        return {row[0]: ChunkRecord(*row) for row in rows}

    def all(self) -> list[ChunkRecord]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, document_id, position, text, title, source FROM chunks ORDER BY id"
            ).fetchall()
        return [ChunkRecord(*row) for row in rows]

    def spellings(self) -> Mapping[str, str] | None:
        """The version's spellings, looked up word by word; None when it was published without them."""
        with self._lock:
            found = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spellings'"
            ).fetchone()
        return None if found is None else _Spellings(self._conn, self._lock)

    def close(self) -> None:
        self._conn.close()


class _Spellings(Mapping[str, str]):
    """The `spellings` table of a chunk database, one indexed query per look-up."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self._conn, self._lock = conn, lock

    def _rows(self, sql: str, *args: str) -> list[tuple[str, ...]]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def __getitem__(self, folded: str) -> str:
        rows = self._rows("SELECT spelling FROM spellings WHERE folded = ?", folded)
        if not rows:
            raise KeyError(folded)
        return rows[0][0]

    def __iter__(self) -> Iterator[str]:
        return iter([row[0] for row in self._rows("SELECT folded FROM spellings ORDER BY folded")])

    def __len__(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM spellings")[0][0])
