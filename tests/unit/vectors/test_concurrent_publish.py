"""Concurrent index builders: claimed versions, re-applied changes, a pointer that only moves forward."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from foodsave.adapters.local import FrozenClock, LocalObjectStore
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.load import IndexReader
from foodsave.vectors.publish import IndexPublisher, PublishContended

POINTER = "indexes/user-a/latest.json"


class Recorder:
    """What every store instance on one bucket saw: pointer versions written and versions claimed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pointer_writes: list[int] = []
        self.claims: list[tuple[str, int, bool]] = []


class WatchedStore(LocalObjectStore):
    """One builder's view of the shared bucket; can hold the builder at a chosen step until released."""

    def __init__(self, root: Path, recorder: Recorder, who: str) -> None:
        super().__init__(root, "b")
        self.recorder = recorder
        self.who = who
        self.hold_claim: tuple[threading.Event, threading.Event] | None = None
        self.hold_pointer_read: tuple[threading.Event, threading.Event] | None = None
        self.manifest_written = False

    @staticmethod
    def _hold(gate: tuple[threading.Event, threading.Event] | None) -> None:
        if gate is not None:
            reached, release = gate
            reached.set()
            assert release.wait(30), "test never released the held writer"

    def put_if_absent(self, key, data, content_type=None):  # type: ignore[no-untyped-def]
        gate, self.hold_claim = self.hold_claim, None
        self._hold(gate)
        info = super().put_if_absent(key, data, content_type)
        version = int(key.split("/")[2][1:])
        with self.recorder.lock:
            self.recorder.claims.append((self.who, version, info is not None))
        return info

    def put(self, key, data, content_type=None):  # type: ignore[no-untyped-def]
        info = super().put(key, data, content_type)
        if key == POINTER:
            with self.recorder.lock:
                self.recorder.pointer_writes.append(json.loads(data)["version"])
        if key.endswith("manifest.json"):
            self.manifest_written = True
        return info

    def get(self, key):  # type: ignore[no-untyped-def]
        if key == POINTER and self.manifest_written:
            gate, self.hold_pointer_read = self.hold_pointer_read, None
            self._hold(gate)
        return super().get(key)


# The publisher's clock: claims are judged live or expired against it.
AT = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


def builder_on(store: LocalObjectStore, embedder: HashingEmbedder) -> IndexBuilder:
    return IndexBuilder(IndexPublisher(store, backoff_seconds=0.01, clock=FrozenClock(AT)), embedder)


def searchable(store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path) -> set[str]:
    reader = IndexReader(store, "user-a", embedder, tmp_path / "cache", refresh_seconds=0)
    return {r.document_id for r in reader.current().meta.all()}


def top_hit(store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path, query: str) -> str:
    reader = IndexReader(store, "user-a", embedder, tmp_path / "cache", refresh_seconds=0)
    return reader.current().search(embedder.embed_query(query), 1)[0].chunk.document_id


def run_in_thread(target: Any) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def body() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the test
            errors.append(exc)

    thread = threading.Thread(target=body)
    thread.start()
    return thread, errors


def test_a_builder_that_loses_the_claim_re_applies_its_document_on_the_newer_version(
    tmp_path: Path, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    mleko, chleb, jajka = knowledge_docs[:3]
    recorder = Recorder()
    root = tmp_path / "objects"
    a = WatchedStore(root, recorder, "a")
    b = WatchedStore(root, recorder, "b")
    builder_on(b, embedder).add_document("user-a", mleko)  # v1, the version both builders start from
    reached, release = threading.Event(), threading.Event()
    a.hold_claim = (reached, release)  # a has read v1 and merged its document; it waits before claiming

    thread, errors = run_in_thread(lambda: builder_on(a, embedder).add_document("user-a", chleb))
    assert reached.wait(30)
    builder_on(b, embedder).add_document("user-a", jajka)  # b publishes v2 while a is held
    release.set()
    thread.join(30)

    assert errors == []
    assert searchable(a, embedder, tmp_path) == {"mleko", "chleb", "jajka"}
    assert top_hit(a, embedder, tmp_path, "czy można zamrozić chleb") == "chleb"
    assert top_hit(a, embedder, tmp_path, "jajka czubkiem w dół") == "jajka"
    assert [c for c in recorder.claims if c[0] == "a"] == [("a", 2, False), ("a", 3, True)]
    assert recorder.pointer_writes == [1, 2, 3]


def test_a_late_writer_leaves_a_newer_pointer_alone(
    tmp_path: Path, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    mleko, chleb, jajka = knowledge_docs[:3]
    recorder = Recorder()
    root = tmp_path / "objects"
    a = WatchedStore(root, recorder, "a")
    b = WatchedStore(root, recorder, "b")
    builder_on(b, embedder).add_document("user-a", mleko)
    reached, release = threading.Event(), threading.Event()
    a.hold_pointer_read = (reached, release)  # a has written v2 completely but not yet moved the pointer

    thread, errors = run_in_thread(lambda: builder_on(a, embedder).add_document("user-a", chleb))
    assert reached.wait(30)
    builder_on(b, embedder).add_document("user-a", jajka)  # builds v3 on a's complete v2
    release.set()
    thread.join(30)

    assert errors == []
    assert recorder.pointer_writes == [1, 3]
    assert json.loads(a.get(POINTER))["version"] == 3
    assert searchable(a, embedder, tmp_path) == {"mleko", "chleb", "jajka"}


def test_builders_adding_documents_at_once_lose_none_of_them(
    tmp_path: Path, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    recorder = Recorder()
    root = tmp_path / "objects"
    start = threading.Barrier(len(knowledge_docs))

    def add(doc: SourceDocument, who: str) -> None:
        builder = builder_on(WatchedStore(root, recorder, who), embedder)
        start.wait(30)
        builder.add_document("user-a", doc)

    runs = [run_in_thread(lambda d=doc, i=i: add(d, f"w{i}")) for i, doc in enumerate(knowledge_docs)]
    for thread, _ in runs:
        thread.join(60)

    assert [e for _, errors in runs for e in errors] == []
    store = LocalObjectStore(root, "b")
    assert searchable(store, embedder, tmp_path) == {d.document_id for d in knowledge_docs}
    assert json.loads(store.get(POINTER))["version"] == max(v for _, v, won in recorder.claims if won)
    won = [v for _, v, ok in recorder.claims if ok]
    assert sorted(won) == sorted(set(won))  # no version number was ever claimed twice


def _claim(store: LocalObjectStore, version: int, claimed_at: datetime, state: str = "publishing") -> None:
    body = {"claim": "crashed-writer", "base": 0, "state": state, "claimed_at": claimed_at.isoformat()}
    store.put_if_absent(f"indexes/user-a/v{version}/manifest.json", json.dumps(body).encode())


def test_a_crashed_writers_expired_claim_is_skipped_and_its_number_not_reused(
    store: LocalObjectStore, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    _claim(store, 1, AT - timedelta(hours=1))
    manifest = builder_on(store, embedder).add_document("user-a", knowledge_docs[0])
    assert manifest is not None and manifest.version == 2
    assert json.loads(store.get(POINTER))["version"] == 2


def test_a_live_claim_that_never_finishes_ends_in_a_retryable_failure(
    store: LocalObjectStore, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    _claim(store, 1, AT)
    waits: list[float] = []
    publisher = IndexPublisher(store, max_attempts=4, sleep=waits.append, clock=FrozenClock(AT))
    with pytest.raises(PublishContended, match="retry later"):
        IndexBuilder(publisher, embedder).add_document("user-a", knowledge_docs[0])
    assert len(waits) == 4
    assert store.head(POINTER) is None


def test_a_re_delivered_job_moves_a_lagging_pointer_to_the_complete_version(
    store: LocalObjectStore, embedder: HashingEmbedder, knowledge_docs: list[SourceDocument]
) -> None:
    builder = builder_on(store, embedder)
    builder.add_document("user-a", knowledge_docs[0])
    pointer_v1 = store.get(POINTER)
    builder.add_document("user-a", knowledge_docs[1])
    store.put(POINTER, pointer_v1)  # as if the v2 writer died between its manifest and its pointer
    assert builder.add_document("user-a", knowledge_docs[1]) is None  # already in v2: nothing to publish
    assert json.loads(store.get(POINTER))["version"] == 2
