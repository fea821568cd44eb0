"""`kill -9` of `foodsave serve` with receipts, documents and chat in flight, then a restart: every accepted
upload ends parsed, needing review or ready within a minute, every chat turn is whole and stored once
however often it is retried with its `Idempotency-Key` (SQLite and PostgreSQL).

The first process runs with hold points (`FOODSAVE_HOLD_POINTS`), so the kill lands inside each kind of
work for sure: a receipt being read, a document being indexed, chat turns whose reply is composed but not
stored, and chat turns stored but not answered; the remaining chats are answered before the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import receipt_jpeg
from tests.pg import free_port

UPLOADS = 3
DOCUMENTS = 3
CHATS = 10
MID_TURN = 3  # held with the reply composed and nothing stored
UNANSWERED = 3  # held with the turn committed and the answer not yet sent
ANSWERED = CHATS - MID_TURN - UNANSWERED
UPLOADS_HELD = {"receipt.ocr.1", "document.index.1"}


MID_TURN_POINT = "chat.reply"  # the reply is composed, nothing of the turn is stored yet
HOLDS = f"{MID_TURN_POINT}={MID_TURN},keyed.answer={UNANSWERED},receipt.ocr=1,document.index=1"
HELD = {
    *(f"{MID_TURN_POINT}.{n}" for n in range(1, MID_TURN + 1)),
    *(f"keyed.answer.{n}" for n in range(1, UNANSWERED + 1)),
    *UPLOADS_HELD,
}


RECOVERED_WITHIN = 60.0
HEADERS = {"Authorization": "Bearer dev-crash"}


class Served:
    """One `foodsave serve` process on a data folder (and database) that outlives it."""

    def __init__(self, data_dir: Path, db_url: str, log: Path, holds: str = "") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.holds_dir = data_dir / "holds"
        env = {
            **os.environ,
            "FOODSAVE_DATA_DIR": str(data_dir),
            "FOODSAVE_DATABASE_URL": db_url,
            "FOODSAVE_HOLD_POINTS": holds,
        }
        code = (
            f"import sys; from foodsave.cli import main; sys.exit(main(['serve', '--port', '{self.port}']))"
        )
        with log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"foodsave serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("foodsave serve did not answer /health")

    def held(self) -> set[str]:
        return {p.name for p in self.holds_dir.glob("*.*")} if self.holds_dir.exists() else set()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def serve(tmp_path: Path, db_url: str) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(holds: str = "") -> Served:
        started.append(Served(tmp_path / "data", db_url, tmp_path / "serve.log", holds))
        return started[-1]

    try:
        yield start
    finally:
        for served in started:
            served.kill()


def _accept_uploads(base: str) -> tuple[list[str], list[str]]:
    receipts, documents = [], []
    with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as c:
        for seed in range(UPLOADS):
            files = {"file": (f"r{seed}.jpg", receipt_jpeg(seed), "image/jpeg")}
            resp = c.post("/v1/receipts", files=files)
            assert resp.status_code == 202, resp.text
            receipts.append(resp.json()["receipt"]["id"])
        for n in range(DOCUMENTS):
            text = (
                f"Notatka {n}: mleko trzymaj w lodówce, chleb w chlebaku, jabłka w chłodnym miejscu.\n" * 40
            )
            files = {"file": (f"notatka-{n}.txt", text.encode(), "text/plain")}
            resp = c.post("/v1/documents", files=files, data={"title": f"notatka {n}"})
            assert resp.status_code == 201, resp.text
            documents.append(resp.json()["document"]["id"])
    return receipts, documents


def _chat(base: str, n: int) -> httpx.Response:
    headers = {**HEADERS, "Idempotency-Key": f"crash-chat-{n}"}
    return httpx.post(
        f"{base}/v1/chat", json={"message": f"ile mam mleka? pytanie {n}"}, headers=headers, timeout=120
    )


def _kill_9_with_everything_held(served: Served, expected: set[str]) -> dict[int, int]:
    """Send every chat at once; once each hold point holds its work and the other chats are answered,
    kill the server. Returns the status of each chat answered before the kill."""
    answered: dict[int, int] = {}

    def send(n: int) -> None:
        try:
            answered[n] = _chat(served.base, n).status_code
        except httpx.HTTPError:
            return

    deadline = time.monotonic() + 180
    threads = [threading.Thread(target=send, args=(n,)) for n in range(CHATS)]
    for thread in threads:
        thread.start()
    while (served.held() != expected or len(answered) < ANSWERED) and time.monotonic() < deadline:
        time.sleep(0.1)
    held = served.held()
    served.kill()
    for thread in threads:
        thread.join(timeout=120)
    assert held == expected, f"the kill did not land inside every kind of work: held {sorted(held)}"
    return answered


def _retry_chats(base: str) -> Counter[str]:
    """Each chat again with its own key until the answer is final: its reply (fresh or replayed) or 409
    `IdempotencyKeyApplied` (applied before the kill, answer lost)."""
    outcomes: Counter[str] = Counter()
    for n in range(CHATS):
        deadline = time.monotonic() + 60
        while True:
            resp = _chat(base, n)
            code = resp.json().get("type", "").rsplit(":", 1)[-1] if resp.status_code == 409 else ""
            if code != "IdempotencyKeyInUse" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert resp.status_code == 200 or code == "IdempotencyKeyApplied", resp.text
        outcomes["replayed" if resp.headers.get("idempotent-replayed") else (code or "answered")] += 1
    return outcomes


def _wait_final(c: httpx.Client, path: str, final: set[str], deadline: float) -> list[dict]:  # type: ignore[type-arg]
    while True:
        listed = c.get(path, params={"limit": 100}).json()["items"]
        if all(r["status"] in final for r in listed) or time.monotonic() > deadline:
            return listed
        time.sleep(0.25)


def _turns_per_message(c: httpx.Client) -> Counter[str]:
    """How often each user message is stored, after checking every conversation is one whole turn."""
    conversations = c.get("/v1/conversations", params={"limit": 100}).json()["items"]
    turns: Counter[str] = Counter()
    for conversation in conversations:
        messages = c.get(f"/v1/conversations/{conversation['id']}").json()["messages"]
        assert [m["role"] for m in messages] == ["user", "assistant"], messages
        turns[messages[0]["content"]] += 1
    return turns


def _indexed_chunks(c: httpx.Client) -> Counter[tuple[str, int]]:
    hits = c.get("/v1/search", params={"q": "mleko w lodówce", "scope": "documents", "k": 50}).json()["hits"]
    return Counter((h["document_id"], h["chunk"]) for h in hits)


def test_kill_9_inside_ocr_indexing_and_chat_turns_leaves_every_upload_final_and_every_turn_once(
    serve,
):
    first = serve(HOLDS)
    receipts, documents = _accept_uploads(first.base)
    answered = _kill_9_with_everything_held(first, HELD)

    restarted = time.monotonic()
    second = serve()
    with httpx.Client(base_url=second.base, headers=HEADERS, timeout=60) as c:
        listed = _wait_final(c, "/v1/receipts", {"parsed", "needs_review"}, restarted + RECOVERED_WITHIN)
        docs = _wait_final(c, "/v1/documents", {"ready"}, restarted + RECOVERED_WITHIN)
        outcomes = _retry_chats(second.base)
        turns = _turns_per_message(c)
        chunks = _indexed_chunks(c)

    assert answered == {n: 200 for n in answered} and len(answered) == ANSWERED
    assert outcomes == {"replayed": ANSWERED, "IdempotencyKeyApplied": UNANSWERED, "answered": MID_TURN}
    assert turns == {f"ile mam mleka? pytanie {n}": 1 for n in range(CHATS)}
    assert sorted(r["id"] for r in listed) == sorted(receipts)
    assert {r["id"]: (r["status"], r["failure_reason"]) for r in listed if r["status"] == "failed"} == {}
    assert all(r["status"] in ("parsed", "needs_review") for r in listed), [r["status"] for r in listed]
    for receipt in listed:
        positions = [line["position"] for line in receipt["lines"]]
        assert positions == list(range(len(positions)))
    assert sorted(d["id"] for d in docs) == sorted(documents)
    assert {d["id"]: (d["status"], d["failure_reason"]) for d in docs if d["status"] != "ready"} == {}
    assert set(d for d, _chunk in chunks) == set(documents)
    assert max(chunks.values()) == 1, "a chunk is indexed twice"
