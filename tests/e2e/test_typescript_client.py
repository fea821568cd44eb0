"""The TypeScript client generated from docs/openapi.json walks the main story against the local runtime
(`foodsave serve` on 127.0.0.1): a contract change that breaks the app's client fails here and in `make test`."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import receipt_jpeg

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "typescript"


def _npm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["npm", *args], cwd=CLIENT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def built_client() -> Path:
    """`npm ci` when the dependencies are missing, then generate the types and compile the story."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node and npm are not installed")
    if not (CLIENT / "node_modules" / ".package-lock.json").exists():
        installed = _npm("ci", "--no-audit", "--no-fund")
        assert installed.returncode == 0, installed.stderr
    built = _npm("run", "build")
    assert built.returncode == 0, built.stdout + built.stderr
    return CLIENT / "dist" / "story.js"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`foodsave serve` in its own process, on a fresh data folder."""
    port = _free_port()
    data = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "FOODSAVE_DATA_DIR": str(data / "data"), "OMP_THREAD_LIMIT": "1"}
    log = (data / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from foodsave.cli import main; sys.exit(main())", "serve", "--port",
         str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (data / "serve.log").read_text()
            assert time.monotonic() < deadline, "foodsave serve did not answer /health in 120 s"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_generated_client_walks_the_main_story(built_client, served, tmp_path):
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(receipt_jpeg(3))
    run = subprocess.run(
        ["node", str(built_client), str(photo)],
        env={**os.environ, "FOODSAVE_URL": served, "FOODSAVE_USER": "ts-story"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["created"] == 2
    assert summary["receipt"]["status"] in ("parsed", "needs_review")
    assert summary["receipt"]["confirmed"] > 0
    assert summary["chat"]["actions"] == ["ate Chleb żytni (consumed)"]
    assert summary["pantry"] == 1 + summary["receipt"]["confirmed"]
