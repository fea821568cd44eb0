"""Publishing and reading versioned indexes through the ObjectStore port.

Layout: `indexes/{name}/v{n}/` holds index.faiss, ids.npy, vectors.npy, meta.sqlite and manifest.json
(created first as a put_if_absent claim of the version number, replaced by the real manifest with checksums
last); `indexes/{name}/latest.json` is moved forward only after the version is complete, so a reader never
sees a half-written index and concurrent builders never share a version or lose an update. `IndexReader` downloads a version to a cache folder (or
opens it on EFS), verifies it, opens it memory-mapped, re-checks the pointer at most every N seconds
and keeps serving the last good version when a new one is missing or corrupt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import FoodSaveError, InvalidInput, NotFound, Unavailable
from foodsave.vectors.index import IDS_FILE, INDEX_FILE, VECTORS_FILE, IvfPqParams, Neighbour, VectorIndex

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from foodsave.ports import ObjectStore
    from foodsave.vectors.embed import Embedder

log = logging.getLogger(__name__)

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

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise CorruptIndex(f"manifest is not valid: {exc}") from exc


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- chunk metadata in SQLite (lookups by id without loading everything) ----------------------------------------
def write_meta(path: Path, records: Iterable[ChunkRecord]) -> None:
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

    def close(self) -> None:
        self._conn.close()


# -- what a publisher writes ---------------------------------------------------------------------------------
@dataclass
class IndexContents:
    """Everything needed to publish (or rebuild) one index version."""

    index: VectorIndex
    records: dict[int, ChunkRecord]
    embedder: str
    dim: int
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    source_checksum: str | None = None

    def __post_init__(self) -> None:
        if set(int(i) for i in self.index.ids) != set(self.records):
            raise InvalidInput("every vector needs exactly one chunk record")


class PublishContended(Unavailable):
    """Other writers kept taking the next version of an index; the job should be retried later."""


@dataclass(frozen=True)
class _Scan:
    manifest: Manifest | None
    manifest_raw: bytes | None
    pending: list[int]
    top: int


class IndexPublisher:
    """Claims the next version, writes it completely under its own key, then moves `latest.json` forward.

    Safe with concurrent writers: `vN/manifest.json` is created with put_if_absent as a claim (a small JSON
    with `claim`), replaced by the real manifest once the data files are up; the pointer only moves forward.
    """

    def __init__(
        self,
        store: ObjectStore,
        *,
        prefix: str = "indexes",
        keep_versions: int = 3,
        efs_dir: Path | None = None,
        now: Callable[[], datetime] | None = None,
        max_attempts: int = 8,
        backoff_seconds: float = 0.05,
        max_backoff_seconds: float = 2.0,
        claim_timeout: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.prefix = prefix.strip("/")
        self.keep_versions = max(keep_versions, 1)
        self.efs_dir = efs_dir
        self._now = now or (lambda: datetime.now(UTC))
        self.max_attempts = max(max_attempts, 1)
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        # A claim older than this is a crashed writer's (the Lambda timeout is at most 15 minutes).
        self.claim_timeout = claim_timeout
        self._sleep = sleep

    def _key(self, name: str, *parts: str) -> str:
        return "/".join([self.prefix, check_index_name(name), *parts])

    def pointer(self, name: str) -> dict[str, Any] | None:
        try:
            raw = self.store.get(self._key(name, POINTER_FILE))
        except NotFound:
            return None
        try:
            pointer: dict[str, Any] = json.loads(raw)
            int(pointer["version"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptIndex(f"index {name}: latest pointer is not valid") from exc
        return pointer

    def current_manifest(self, name: str) -> Manifest | None:
        pointer = self.pointer(name)
        if pointer is None:
            return None
        return Manifest.from_json(self.store.get(pointer["manifest"]))

    def _versions(self, name: str) -> list[int]:
        found = set()
        for key in self.store.list(self._key(name) + "/"):
            match = re.match(r".*/v(\d+)/", key)
            if match:
                found.add(int(match.group(1)))
        return sorted(found)

    # -- concurrency-safe publishing ---------------------------------------------------------------------
    def _scan(self, name: str) -> _Scan:
        """Where the index stands: newest complete version, versions being published, highest number used."""
        versions = self._versions(name)
        try:
            pointer = self.pointer(name)
        except CorruptIndex:
            pointer = None
        top = max([0, *versions, int(pointer["version"]) if pointer else 0])
        pending: list[int] = []
        for version in reversed(versions):
            key = self._key(name, f"v{version}", MANIFEST_FILE)
            try:
                raw = self.store.get(key)
            except NotFound:
                continue  # data files of a publish that gave up: the number stays used, never reused
            try:
                body = json.loads(raw)
            except ValueError:
                continue
            if isinstance(body, dict) and "claim" in body:
                if body.get("state") != "abandoned" and not self._stale(body):
                    pending.append(version)
                continue
            try:
                manifest = Manifest.from_json(raw)
            except CorruptIndex:
                continue
            return _Scan(manifest=manifest, manifest_raw=raw, pending=pending, top=top)
        return _Scan(manifest=None, manifest_raw=None, pending=pending, top=top)

    def _stale(self, claim: dict[str, Any]) -> bool:
        try:
            claimed_at = datetime.fromisoformat(str(claim["claimed_at"]))
        except (KeyError, ValueError):
            return True
        return (self._now() - claimed_at).total_seconds() > self.claim_timeout

    def _claim(self, name: str, version: int, base: int) -> str | None:
        """Own version `version` by creating its manifest key first; None when another writer has it."""
        owner = uuid.uuid4().hex
        body = {"claim": owner, "base": base, "state": "publishing", "claimed_at": self._now().isoformat()}
        key = self._key(name, f"v{version}", MANIFEST_FILE)
        created = self.store.put_if_absent(key, json.dumps(body).encode(), "application/json")
        return owner if created is not None else None

    def _abandon(self, name: str, version: int, owner: str) -> None:
        """Best effort: mark a claimed version given up so other writers need not wait for it to go stale."""
        key = self._key(name, f"v{version}", MANIFEST_FILE)
        body = {"claim": owner, "state": "abandoned", "claimed_at": self._now().isoformat()}
        try:
            self.store.put(key, json.dumps(body).encode(), "application/json")
        except FoodSaveError:
            try:
                self.store.delete(key)
            except FoodSaveError:
                log.warning("index %s v%s: claim left behind; it expires on its own", name, version)

    def _load_manifest(self, manifest: Manifest, raw: bytes) -> IndexContents:
        pointer = {
            "version": manifest.version,
            "manifest": self._key(manifest.name, f"v{manifest.version}", MANIFEST_FILE),
            "manifest_sha256": hashlib.sha256(raw).hexdigest(),
        }
        return self._contents_of(pointer)

    def publish(self, name: str, contents: IndexContents) -> Manifest:
        """Publish `contents` as the next version (a full replacement that needs no earlier state)."""
        manifest = self.publish_change(name, lambda _base: contents, needs_base=False)
        assert manifest is not None
        return manifest

    def publish_change(
        self,
        name: str,
        change: Callable[[IndexContents | None], IndexContents | None],
        *,
        needs_base: bool = True,
    ) -> Manifest | None:
        """Apply `change` to the newest complete version and publish the result as the next one.

        Optimistic and safe with several concurrent builders: the next number is claimed with a create-if-absent
        of its manifest key; a writer that loses the claim (or finds a publish in flight) reloads the newer
        version and re-applies its change on top, so no update is lost. Gives up with `PublishContended`
        (a retryable error, so SQS redelivers the message) after `max_attempts`. `change` returns None when
        there is nothing to publish.
        """
        check_index_name(name)
        for attempt in range(self.max_attempts):
            scan = self._scan(name)
            if scan.pending:
                self._sleep(self._backoff(attempt))  # another writer is mid-publish; its result is our base
                continue
            base_version = scan.manifest.version if scan.manifest else 0
            base = None
            if needs_base and scan.manifest is not None and scan.manifest_raw is not None:
                base = self._load_manifest(scan.manifest, scan.manifest_raw)
            contents = change(base)
            if contents is None:
                if scan.manifest is not None and scan.manifest_raw is not None:
                    self._flip_forward(name, scan.manifest, scan.manifest_raw)  # heal a lagging pointer
                return None
            version = scan.top + 1
            owner = self._claim(name, version, base_version)
            if owner is None:
                log.info("index %s: v%s was claimed by another writer; reloading", name, version)
                self._sleep(self._backoff(attempt) / 4)
                continue
            try:
                if self._versions(name)[-1] > version:
                    # Another writer thought this claim dead and went past it: redo on top of theirs.
                    self._abandon(name, version, owner)
                    continue
                manifest, raw = self._write_version(name, version, contents)
            except BaseException:
                self._abandon(name, version, owner)
                raise
            self._flip_forward(name, manifest, raw)
            self._prune(name, version)
            return manifest
        raise PublishContended(
            f"index {name}: could not claim a new version after {self.max_attempts} attempts; retry later"
        )

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_seconds * (2**attempt), self.max_backoff_seconds) * (0.5 + random.random())

    def _write_version(self, name: str, version: int, contents: IndexContents) -> tuple[Manifest, bytes]:
        """Upload the data files of a claimed version, then its manifest (which completes the version)."""
        with tempfile.TemporaryDirectory(prefix="foodsave-index-") as tmp:
            folder = Path(tmp)
            contents.index.save(folder)
            write_meta(folder / META_FILE, (contents.records[int(i)] for i in contents.index.ids))
            files = {
                fname: {"sha256": _sha256_file(folder / fname), "bytes": (folder / fname).stat().st_size}
                for fname in DATA_FILES
            }
            manifest = Manifest(
                name=name,
                version=version,
                embedder=contents.embedder,
                dim=contents.dim,
                index_type=contents.index.kind,
                count=contents.index.count,
                created_at=self._now().isoformat(),
                files=files,
                params=contents.index.params.to_dict() if contents.index.params else {},
                documents=contents.documents,
                source_checksum=contents.source_checksum,
            )
            raw = manifest.to_json()
            (folder / MANIFEST_FILE).write_bytes(raw)
            for fname in DATA_FILES:
                self.store.put(self._key(name, f"v{version}", fname), (folder / fname).read_bytes())
            if self.efs_dir is not None:
                self._copy_to_efs(name, version, folder)
            self.store.put(self._key(name, f"v{version}", MANIFEST_FILE), raw, "application/json")
        return manifest, raw

    def _flip_forward(self, name: str, manifest: Manifest, raw: bytes) -> None:
        """Point `latest.json` at `manifest` unless it already names a version at least as new.

        Read, compare, write: a writer that lost the race between its read and its write (and so may have
        moved the pointer back) sees the newer complete version on its re-check and moves the pointer forward.
        """
        for _ in range(self.max_attempts):
            try:
                pointer = self.pointer(name)
            except CorruptIndex:
                pointer = None
            if pointer is not None and int(pointer["version"]) >= manifest.version:
                return
            body = {
                "version": manifest.version,
                "manifest": self._key(name, f"v{manifest.version}", MANIFEST_FILE),
                "manifest_sha256": hashlib.sha256(raw).hexdigest(),
                "published_at": manifest.created_at,
            }
            self.store.put(self._key(name, POINTER_FILE), json.dumps(body).encode(), "application/json")
            newest = self._scan(name)
            if newest.manifest is None or newest.manifest.version <= manifest.version:
                return
            assert newest.manifest_raw is not None
            manifest, raw = newest.manifest, newest.manifest_raw

    def _copy_to_efs(self, name: str, version: int, folder: Path) -> None:
        assert self.efs_dir is not None
        target = self.efs_dir / self.prefix / name / f"v{version}"
        staging = target.with_name(f".staging-v{version}")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(folder, staging)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)

    def _prune(self, name: str, current: int) -> None:
        for old in self._versions(name):
            if old <= current - self.keep_versions:
                self.store.delete_prefix(self._key(name, f"v{old}") + "/")
                if self.efs_dir is not None:
                    shutil.rmtree(self.efs_dir / self.prefix / name / f"v{old}", ignore_errors=True)

    def load_contents(self, name: str) -> IndexContents | None:
        """The current version as an editable in-memory index (the builder's starting point)."""
        pointer = self.pointer(name)
        if pointer is None:
            return None
        return self._contents_of(pointer)

    def _contents_of(self, pointer: dict[str, Any]) -> IndexContents:
        with tempfile.TemporaryDirectory(prefix="foodsave-index-") as tmp:
            loaded = load_version(self.store, pointer, Path(tmp), mmap=False)
            try:
                records = {r.id: r for r in loaded.meta.all()}
            finally:
                loaded.close()
            index = VectorIndex.build(
                loaded.index.vectors,
                loaded.index.ids,
                kind=loaded.index.kind,
                params=loaded.index.params,
            )
        return IndexContents(
            index=index,
            records=records,
            embedder=loaded.manifest.embedder,
            dim=loaded.manifest.dim,
            documents=dict(loaded.manifest.documents),
            source_checksum=loaded.manifest.source_checksum,
        )


# -- reading -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoredChunk:
    score: float
    chunk: ChunkRecord


@dataclass
class LoadedIndex:
    manifest: Manifest
    index: VectorIndex
    meta: MetaReader
    folder: Path

    def search(self, vector: NDArray[np.float32], k: int) -> list[ScoredChunk]:
        neighbours: list[Neighbour] = self.index.search(vector, k)[0]
        records = self.meta.get_many([n.id for n in neighbours])
        return [ScoredChunk(n.score, records[n.id]) for n in neighbours if n.id in records]

    def close(self) -> None:
        self.meta.close()


def _verify(folder: Path, manifest: Manifest) -> None:
    for fname in DATA_FILES:
        expected = manifest.files.get(fname)
        path = folder / fname
        if expected is None:
            raise CorruptIndex(f"index {manifest.name} v{manifest.version}: manifest lists no {fname}")
        if not path.is_file() or path.stat().st_size != int(expected["bytes"]):
            raise CorruptIndex(f"index {manifest.name} v{manifest.version}: {fname} is missing or truncated")
        if _sha256_file(path) != expected["sha256"]:
            raise CorruptIndex(f"index {manifest.name} v{manifest.version}: {fname} fails its checksum")


def load_version(
    store: ObjectStore,
    pointer: dict[str, Any],
    cache_dir: Path,
    *,
    efs_dir: Path | None = None,
    prefix: str = "indexes",
    mmap: bool = True,
    embedder: Embedder | None = None,
) -> LoadedIndex:
    """Fetch (or find on EFS), verify and open the version a pointer names."""
    try:
        manifest_raw = store.get(pointer["manifest"])
    except NotFound as exc:
        raise CorruptIndex(f"pointer names a missing manifest {pointer['manifest']}") from exc
    expected_sha = pointer.get("manifest_sha256")
    if expected_sha and hashlib.sha256(manifest_raw).hexdigest() != expected_sha:
        raise CorruptIndex(f"manifest {pointer['manifest']} does not match its pointer")
    manifest = Manifest.from_json(manifest_raw)
    if manifest.format != FORMAT_VERSION:
        raise CorruptIndex(f"index {manifest.name}: unsupported format {manifest.format}")
    if embedder is not None and (manifest.embedder != embedder.name or manifest.dim != embedder.dim):
        raise EmbedderMismatch(
            f"index {manifest.name} v{manifest.version} was built with {manifest.embedder} ({manifest.dim}d) "
            f"but this service embeds with {embedder.name} ({embedder.dim}d); rebuild the index",
            code="EmbedderMismatch",
        )
    base_key = pointer["manifest"].rsplit("/", 1)[0]
    folder: Path | None = None
    if efs_dir is not None and (efs_dir / base_key).is_dir():
        folder = efs_dir / base_key
    if folder is None:
        folder = cache_dir / base_key
        marker = folder / ".verified"
        if not (marker.is_file() and marker.read_text() == expected_sha):
            staging = Path(tempfile.mkdtemp(prefix=".dl-", dir=_mkdir(cache_dir)))
            try:
                for fname in DATA_FILES:
                    try:
                        store.download_to(f"{base_key}/{fname}", staging / fname)
                    except NotFound as exc:
                        raise CorruptIndex(
                            f"index {manifest.name} v{manifest.version}: {fname} is missing"
                        ) from exc
                _verify(staging, manifest)
                (staging / ".verified").write_text(expected_sha or "")
                shutil.rmtree(folder, ignore_errors=True)
                folder.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging, folder)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    else:
        _verify(folder, manifest)
    if manifest.index_type not in ("flat", "ivfpq"):
        raise CorruptIndex(f"index {manifest.name}: unknown index type {manifest.index_type}")
    params = IvfPqParams(**manifest.params) if manifest.index_type == "ivfpq" else None
    try:
        index = VectorIndex.open(folder, manifest.index_type, params, mmap=mmap)  # type: ignore[arg-type]
    except (RuntimeError, ValueError, InvalidInput) as exc:
        raise CorruptIndex(f"index {manifest.name} v{manifest.version} cannot be opened: {exc}") from exc
    if index.dim != manifest.dim or index.count != manifest.count:
        raise CorruptIndex(f"index {manifest.name} v{manifest.version} does not match its manifest")
    return LoadedIndex(manifest=manifest, index=index, meta=MetaReader(folder / META_FILE), folder=folder)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


class IndexReader:
    """One named index as seen by a warm container: loaded once, refreshed at most every `refresh_seconds`."""

    def __init__(
        self,
        store: ObjectStore,
        name: str,
        embedder: Embedder,
        cache_dir: Path,
        *,
        refresh_seconds: float = 60.0,
        efs_dir: Path | None = None,
        prefix: str = "indexes",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.name = check_index_name(name)
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.refresh_seconds = refresh_seconds
        self.efs_dir = efs_dir
        self.prefix = prefix
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._loaded: LoadedIndex | None = None
        self._checked_at: float | None = None
        self._error: FoodSaveError | None = None
        self.last_error: str | None = None

    @property
    def version(self) -> int | None:
        return self._loaded.manifest.version if self._loaded else None

    def current(self) -> LoadedIndex:
        """The index to query now; raises NotFound if never published, Unavailable if never loadable."""
        with self._lock:
            now = self._monotonic()
            due = self._checked_at is None or now - self._checked_at >= self.refresh_seconds
            if due:
                self._checked_at = now
                self._refresh()
            if self._loaded is not None:
                return self._loaded
            assert self._error is not None
            raise self._error

    def _refresh(self) -> None:
        try:
            try:
                raw = self.store.get(f"{self.prefix}/{self.name}/{POINTER_FILE}")
            except NotFound as exc:
                raise NotFound(f"index {self.name} has not been published", code="IndexNotPublished") from exc
            try:
                pointer = json.loads(raw)
                version = int(pointer["version"])
            except (ValueError, KeyError, TypeError) as exc:
                raise CorruptIndex(f"index {self.name}: latest pointer is not valid") from exc
            if self._loaded is not None and self._loaded.manifest.version == version:
                return
            loaded = load_version(
                self.store,
                pointer,
                self.cache_dir,
                efs_dir=self.efs_dir,
                prefix=self.prefix,
                embedder=self.embedder,
            )
        except (FoodSaveError, OSError) as exc:
            if isinstance(exc, OSError):
                exc = Unavailable(f"index {self.name} could not be loaded: {exc}")
            self._error = exc
            self.last_error = exc.detail
            if self._loaded is not None:
                log.warning("keeping index %s v%s: %s", self.name, self._loaded.manifest.version, exc.detail)
            return
        previous, self._loaded = self._loaded, loaded
        self._error = None
        self.last_error = None
        if previous is not None:
            log.info(
                "index %s swapped v%s -> v%s", self.name, previous.manifest.version, loaded.manifest.version
            )
            self._drop_cached(previous)

    def _drop_cached(self, previous: LoadedIndex) -> None:
        # The mapping stays valid after unlink; in-flight searches on `previous` finish normally.
        if self.efs_dir is None or not previous.folder.is_relative_to(self.efs_dir):
            shutil.rmtree(previous.folder, ignore_errors=True)
