"""Reading published indexes: fetch (or find on EFS), verify and open a version memory-mapped; `IndexReader`
keeps one index loaded per warm container, re-checks the pointer at most every N seconds and keeps serving
the last good version when a new one is missing or corrupt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import FoodSaveError, InvalidInput, NotFound, Unavailable
from foodsave.text.letters import spellings
from foodsave.vectors.chunk import embedding_text
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.index import IvfPqParams, Neighbour, VectorIndex
from foodsave.vectors.lexical import Bm25
from foodsave.vectors.lexical_table import LEXICAL_FILE, read_table
from foodsave.vectors.manifest import (
    DATA_FILES,
    FORMAT_VERSION,
    META_FILE,
    POINTER_FILE,
    ChunkRecord,
    CorruptIndex,
    EmbedderMismatch,
    Manifest,
    MetaReader,
    check_index_name,
    sha256_file,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from foodsave.ports import ObjectStore
    from foodsave.vectors.embed import Embedder

log = logging.getLogger(__name__)
# Character n-grams beside the dense model: they join inflected Polish forms that the model ranks apart.
NGRAMS = HashingEmbedder()


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
    _lexical: Bm25 | None = field(default=None, repr=False)
    _lexical_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _ngrams: dict[int, NDArray[np.float32]] = field(default_factory=dict, repr=False)
    _spellings: Mapping[str, str] | None = field(default=None, repr=False)

    def search(self, vector: NDArray[np.float32], k: int) -> list[ScoredChunk]:
        neighbours: list[Neighbour] = self.index.search(vector, k)[0]
        records = self.meta.get_many([n.id for n in neighbours])
        return [ScoredChunk(n.score, records[n.id]) for n in neighbours if n.id in records]

    def lexical(self) -> Bm25:
        """BM25 over this version's chunks (title and text, as embedded): the table published with the version
        when it has one this code reads, else built from the chunks on first use."""
        with self._lexical_lock:
            if self._lexical is None:
                self._lexical = self._published_lexical() or lexical_ranking(self.meta.all())
            return self._lexical

    def _published_lexical(self) -> Bm25 | None:
        if LEXICAL_FILE not in self.manifest.files:
            return None  # published before versions carried their BM25 table
        try:
            table = read_table(self.folder / LEXICAL_FILE)
        except (OSError, ValueError) as exc:
            log.warning(
                "index %s v%s: BM25 table unreadable (%s)", self.manifest.name, self.manifest.version, exc
            )
            return None
        if table is None:
            log.info(
                "index %s v%s: BM25 table from another tokenizer", self.manifest.name, self.manifest.version
            )
        return table

    def spellings(self) -> Mapping[str, str]:
        """Folded word -> its spelling with Polish letters in this version's chunks: the table published in
        its chunk database, or (a version published before they were) built from the chunks on first use."""
        if self._spellings is None:
            published = self.meta.spellings()
            self._spellings = chunk_spellings(self.meta.all()) if published is None else published
        return self._spellings

    def ngram_similarity(self, query: str, ids: Sequence[int]) -> dict[int, float]:
        """Cosine of the hashed character n-grams of `query` and of each chunk of `ids` (title and text); a
        chunk's n-gram vector is computed on first use and kept for this version."""
        missing = [i for i in ids if i not in self._ngrams]
        if missing:
            records = self.meta.get_many(missing)
            found = [i for i in missing if i in records]
            texts = [embedding_text(records[i].title, records[i].text) for i in found]
            self._ngrams.update(zip(found, NGRAMS.embed_documents(texts), strict=True))
        vector = NGRAMS.embed_query(query)
        return {i: float(self._ngrams[i] @ vector) for i in ids if i in self._ngrams}

    def similarity(self, vector: NDArray[np.float32], ids: Sequence[int]) -> dict[int, float]:
        """Exact cosine similarity of `vector` to the stored vectors of `ids` (ids not in the index are left out)."""
        import numpy as np

        if not ids or self.index.count == 0:
            return {}
        wanted = np.asarray(ids, dtype=np.int64)
        rows = np.searchsorted(self.index.ids, wanted)
        found = (rows < self.index.count) & (self.index.ids[np.minimum(rows, self.index.count - 1)] == wanted)
        scores = self.index.vectors[rows[found]] @ vector
        return {int(i): float(s) for i, s in zip(wanted[found], scores, strict=True)}

    def close(self) -> None:
        self.meta.close()


def lexical_ranking(records: Iterable[ChunkRecord]) -> Bm25:
    """BM25 over chunks (title and text, as embedded), rows in chunk-id order."""
    ordered = sorted(records, key=lambda r: r.id)
    return Bm25([r.id for r in ordered], [embedding_text(r.title, r.text) for r in ordered])


def chunk_spellings(records: Iterable[ChunkRecord]) -> dict[str, str]:
    """Folded word -> its most frequent spelling with Polish letters over chunks (title and text, as embedded),
    in chunk-id order."""
    ordered = sorted(records, key=lambda r: r.id)
    return spellings(embedding_text(r.title, r.text) for r in ordered)


def _files(manifest: Manifest) -> tuple[str, ...]:
    """The files of a version: the data files, and its BM25 table when the manifest lists one."""
    return (*DATA_FILES, LEXICAL_FILE) if LEXICAL_FILE in manifest.files else DATA_FILES


def _verify(folder: Path, manifest: Manifest) -> None:
    for fname in _files(manifest):
        expected = manifest.files.get(fname)
        path = folder / fname
        if expected is None:
            raise CorruptIndex(f"index {manifest.name} v{manifest.version}: manifest lists no {fname}")
        if not path.is_file() or path.stat().st_size != int(expected["bytes"]):
            raise CorruptIndex(f"index {manifest.name} v{manifest.version}: {fname} is missing or truncated")
        if sha256_file(path) != expected["sha256"]:
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
    if embedder is not None and not manifest.built_with(embedder):
        raise EmbedderMismatch(
            f"index {manifest.name} v{manifest.version} was built with {manifest.embedder} "
            f"{manifest.embedder_version or '(unversioned)'} ({manifest.dim}d) but this service embeds with "
            f"{embedder.name} {embedder.version} ({embedder.dim}d); rebuild the index with this embedder",
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
                for fname in _files(manifest):
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
        on_mismatch: Callable[[str], None] | None = None,
    ) -> None:
        """`on_mismatch(name)` is called once per published version built with another embedder
        (the search service queues a rebuild with it)."""
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
        self._on_mismatch = on_mismatch
        self._mismatch_reported: int | None = None

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
                self._forget()  # unpublished or erased: the copy held here must not be served any more
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
        except EmbedderMismatch as exc:
            self._fail(exc)
            if self._on_mismatch is not None and self._mismatch_reported != version:
                self._mismatch_reported = version
                try:
                    self._on_mismatch(self.name)
                except FoodSaveError as failure:
                    self._mismatch_reported = None  # asked again on the next refresh
                    log.warning("index %s: rebuild not requested: %s", self.name, failure.detail)
            return
        except (FoodSaveError, OSError) as exc:
            if isinstance(exc, OSError):
                exc = Unavailable(f"index {self.name} could not be loaded: {exc}")
            self._fail(exc)
            return
        previous, self._loaded = self._loaded, loaded
        self._error = None
        self.last_error = None
        if previous is not None:
            log.info(
                "index %s swapped v%s -> v%s", self.name, previous.manifest.version, loaded.manifest.version
            )
            self._drop_cached(previous)

    def _forget(self) -> None:
        previous, self._loaded = self._loaded, None
        if previous is not None:
            log.info("index %s v%s is no longer published; dropped", self.name, previous.manifest.version)
            self._drop_cached(previous)

    def _fail(self, exc: FoodSaveError) -> None:
        self._error = exc
        self.last_error = exc.detail
        if self._loaded is not None:
            log.warning("keeping index %s v%s: %s", self.name, self._loaded.manifest.version, exc.detail)

    def _drop_cached(self, previous: LoadedIndex) -> None:
        # The mapping stays valid after unlink; in-flight searches on `previous` finish normally.
        if self.efs_dir is None or not previous.folder.is_relative_to(self.efs_dir):
            shutil.rmtree(previous.folder, ignore_errors=True)
