"""A live local runtime behind uvicorn on 127.0.0.1, on SQLite and on the throwaway PostgreSQL, and a helper
that fires many requests at the same moment from separate threads and connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.pg import free_port

MAX_THREADS = 30


@dataclass
class LiveServer:
    base: str
    runtime: Any

    def client(self, user: str = "anna") -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer dev-{user}"}, timeout=60.0)


@pytest.fixture
def live(tmp_path: Path, db_url: str) -> Iterator[LiveServer]:
    """The whole local runtime (API, upload wiring, queue) served over real HTTP."""
    import uvicorn
    from pydantic import SecretStr

    from foodsave.adapters.local import LocalObjectStore
    from foodsave.api.apps import local_app
    from foodsave.config import Settings
    from foodsave.observability import clear_metric_sinks
    from foodsave.runtime.local import LocalRuntime
    from foodsave.wiring import set_services

    settings = Settings(data_dir=tmp_path / "data", database_url=SecretStr(db_url))
    runtime = LocalRuntime(settings, schedule=False, poll_seconds=0.05)
    runtime.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if isinstance(runtime.services.store, LocalObjectStore):
        runtime.services.store.upload_url = f"{base}/local-uploads"
    server = uvicorn.Server(
        uvicorn.Config(local_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(base=base, runtime=runtime)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.stop()
        clear_metric_sinks()
        set_services(None)


def race(
    live: LiveServer,
    count: int,
    call: Callable[[httpx.Client, int], httpx.Response],
    user: str = "anna",
    *,
    users: tuple[str, ...] = (),
) -> list[httpx.Response]:
    """Run `call(client, i)` for i in range(count), each on its own thread and connection, released together;
    with `users`, call i is made as users[i % len(users)]."""
    assert count <= MAX_THREADS
    barrier = threading.Barrier(count)
    clients = [live.client(users[i % len(users)] if users else user) for i in range(count)]

    def one(i: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return call(clients[i], i)

    try:
        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(one, range(count)))
    finally:
        for c in clients:
            c.close()
