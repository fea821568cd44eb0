"""`kill -9` of `foodsave serve` with receipts, documents and chat in flight, then a restart: every accepted
upload ends parsed, needing review, ready or failed with its true reason, every chat turn is whole and
stored once however often it is retried with its `Idempotency-Key` (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import receipt_jpeg
from tests.pg import free_port

UPLOADS = 3
DOCUMENTS = 3
CHATS = 10
FINAL = {"parsed", "needs_review", "failed"}
DOCUMENT_FINAL = {"ready", "failed"}
HEADERS = {"Authorization": "Bearer dev-crash"}


class Served:
    """One `foodsave serve` process on a data folder (and database) that outlives it."""

    def __init__(self, data_dir: Path, db_url: str, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FOODSAVE_DATA_DIR": str(data_dir), "FOODSAVE_DATABASE_URL": db_url}
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

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def serve(tmp_path: Path, db_url: str) -> Iterator[callable]:  # type: ignore[valid-type]
    started: list[Served] = []

    def start() -> Served:
        started.append(Served(tmp_path / "data", db_url, tmp_path / "serve.log"))
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
        f"{base}/v1/chat", json={"message": f"ile mam mleka? pytanie {n}"}, headers=headers, timeout=60
    )


def _chats_cut_by_kill_9(served: Served) -> int:
    """Send every chat at once and kill the server as soon as the first answer is back; returns how many
    were cut off (no answer reached the client)."""
    answered: dict[int, int] = {}
    first = threading.Event()

    def send(n: int) -> None:
        try:
            answered[n] = _chat(served.base, n).status_code
        except httpx.HTTPError:
            return
        first.set()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(CHATS)]
    for thread in threads:
        thread.start()
    first.wait(timeout=120)
    served.kill()
    for thread in threads:
        thread.join(timeout=120)
    return CHATS - len(answered)


def _retry_chats(base: str) -> dict[int, str]:
    """Each chat again with its own key until the answer is final: its reply (fresh or replayed) or 409
    `IdempotencyKeyApplied` (applied before the kill, answer lost)."""
    outcomes = {}
    for n in range(CHATS):
        deadline = time.monotonic() + 60
        while True:
            resp = _chat(base, n)
            code = resp.json().get("type", "").rsplit(":", 1)[-1] if resp.status_code == 409 else ""
            if code != "IdempotencyKeyInUse" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert resp.status_code == 200 or code == "IdempotencyKeyApplied", resp.text
        outcomes[n] = "replayed" if resp.headers.get("idempotent-replayed") else (code or "answered")
    return outcomes


def _wait_final(c: httpx.Client, path: str, final: set[str]) -> list[dict]:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while True:
        listed = c.get(path, params={"limit": 100}).json()["items"]
        if all(r["status"] in final for r in listed) or time.monotonic() > deadline:
            return listed
        time.sleep(0.5)


def _assert_whole_turns_stored_once(c: httpx.Client) -> None:
    conversations = c.get("/v1/conversations", params={"limit": 100}).json()["items"]
    turns: dict[str, int] = {}
    for conversation in conversations:
        messages = c.get(f"/v1/conversations/{conversation['id']}").json()["messages"]
        assert [m["role"] for m in messages] == ["user", "assistant"], messages
        turns[messages[0]["content"]] = turns.get(messages[0]["content"], 0) + 1
    assert turns == {f"ile mam mleka? pytanie {n}": 1 for n in range(CHATS)}


def test_uploads_and_chats_in_flight_at_kill_9_all_end_final_after_a_restart_and_none_twice(serve):
    first = serve()
    receipts, documents = _accept_uploads(first.base)
    cut = _chats_cut_by_kill_9(first)

    second = serve()
    outcomes = _retry_chats(second.base)
    with httpx.Client(base_url=second.base, headers=HEADERS, timeout=60) as c:
        listed = _wait_final(c, "/v1/receipts", FINAL)
        docs = _wait_final(c, "/v1/documents", DOCUMENT_FINAL)
        _assert_whole_turns_stored_once(c)

    assert cut >= 1, "no chat was in flight at the kill"
    assert len(outcomes) == CHATS
    assert sorted(r["id"] for r in listed) == sorted(receipts)
    assert {r["id"]: r["status"] for r in listed if r["status"] not in FINAL} == {}
    reasons = {r["failure_reason"] for r in listed if r["status"] == "failed"}
    assert not any("never arrived" in (reason or "") for reason in reasons)
    for receipt in listed:
        positions = [line["position"] for line in receipt["lines"]]
        assert positions == sorted(set(positions))
    assert sorted(d["id"] for d in docs) == sorted(documents)
    assert {d["id"]: (d["status"], d["failure_reason"]) for d in docs if d["status"] != "ready"} == {}
