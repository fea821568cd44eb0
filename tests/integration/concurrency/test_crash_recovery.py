"""`kill -9` of `foodsave serve` with receipts in flight, then a restart: every accepted upload ends parsed,
needing review or failed with its true reason, and none is duplicated (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import receipt_jpeg
from tests.pg import free_port

UPLOADS = 3
FINAL = {"parsed", "needs_review", "failed"}
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


def test_receipts_accepted_before_kill_9_are_all_read_after_a_restart(serve):
    first = serve()
    accepted = []
    with httpx.Client(base_url=first.base, headers=HEADERS, timeout=60) as c:
        for seed in range(UPLOADS):
            files = {"file": (f"r{seed}.jpg", receipt_jpeg(seed), "image/jpeg")}
            resp = c.post("/v1/receipts", files=files)
            assert resp.status_code == 202, resp.text
            accepted.append(resp.json()["receipt"]["id"])
    first.kill()

    second = serve()
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=second.base, headers=HEADERS, timeout=60) as c:
        while True:
            listed = c.get("/v1/receipts", params={"limit": 100}).json()["items"]
            if all(r["status"] in FINAL for r in listed) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert sorted(r["id"] for r in listed) == sorted(accepted)
    assert {r["id"]: r["status"] for r in listed if r["status"] not in FINAL} == {}
    reasons = {r["failure_reason"] for r in listed if r["status"] == "failed"}
    assert not any("never arrived" in (reason or "") for reason in reasons)
    for receipt in listed:
        positions = [line["position"] for line in receipt["lines"]]
        assert positions == sorted(set(positions))
