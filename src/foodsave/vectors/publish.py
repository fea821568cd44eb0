"""IndexPublisher: claims the next version of an index, writes it completely, then moves `latest.json` forward.

Concurrent builders never share a version or lose an update: `vN/manifest.json` is created first as a
put_if_absent claim and replaced by the real manifest (with checksums) last; the pointer only moves forward.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import FoodSaveError, InvalidInput, NotFound, Unavailable
from foodsave.vectors.index import VectorIndex
from foodsave.vectors.lexical_table import LEXICAL_FILE, write_table
from foodsave.vectors.load import chunk_spellings, lexical_ranking, load_version
from foodsave.vectors.manifest import (
    DATA_FILES,
    MANIFEST_FILE,
    META_FILE,
    POINTER_FILE,
    ChunkRecord,
    CorruptIndex,
    Manifest,
    check_index_name,
    sha256_file,
    write_meta,
)

if TYPE_CHECKING:
    from foodsave.ports import Clock, ObjectStore

log = logging.getLogger(__name__)


@dataclass
class IndexContents:
    """Everything needed to publish (or rebuild) one index version."""

    index: VectorIndex
    records: dict[int, ChunkRecord]
    embedder: str
    dim: int
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    source_checksum: str | None = None
    embedder_version: str = ""

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
        clock: Clock,
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
        self._now = clock.now
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

    def abandon_claims(self) -> int:
        """For a runtime that is the only writer of its indexes, at start: a publish still claimed belongs
        to a process that was killed, so its claim is given up now instead of blocking the next publish of
        that index until it goes stale. Returns how many claims were given up."""
        abandoned = 0
        for key in self.store.list(self.prefix + "/"):
            if not key.endswith("/" + MANIFEST_FILE):
                continue
            try:
                body = json.loads(self.store.get(key))
            except (NotFound, ValueError):
                continue
            if isinstance(body, dict) and "claim" in body and body.get("state") == "publishing":
                body["state"] = "abandoned"
                self.store.put(key, json.dumps(body).encode(), "application/json")
                abandoned += 1
        return abandoned

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
            write_meta(
                folder / META_FILE,
                (contents.records[int(i)] for i in contents.index.ids),
                chunk_spellings(contents.records.values()),
            )
            write_table(folder / LEXICAL_FILE, lexical_ranking(contents.records.values()))
            files = {
                fname: {"sha256": sha256_file(folder / fname), "bytes": (folder / fname).stat().st_size}
                for fname in (*DATA_FILES, LEXICAL_FILE)
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
                embedder_version=contents.embedder_version,
            )
            raw = manifest.to_json()
            (folder / MANIFEST_FILE).write_bytes(raw)
            for fname in files:
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
            embedder_version=loaded.manifest.embedder_version,
        )
