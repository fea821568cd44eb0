"""End-to-end fixtures: the whole local runtime (API, upload trigger, queue, schedule) in one process,
one per test module, on SQLite in a temp folder; the root fixtures run on SQLite only here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.instants import E2E_START


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """End-to-end tests run on SQLite; the per-backend behaviour is covered by the integration suite."""
    return sqlite_url


@dataclass
class E2E:
    runtime: object
    client: object
    data_dir: Path

    @property
    def services(self):  # type: ignore[no-untyped-def]
        return self.runtime.services  # type: ignore[attr-defined]


def start_runtime(data_dir: Path, *, frozen: datetime | None = None, database_url: str | None = None):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    from foodsave.adapters.local import FrozenClock
    from foodsave.config import Settings
    from foodsave.runtime.local import LocalRuntime

    url = SecretStr(database_url) if database_url else None
    settings = Settings(env="local", data_dir=data_dir, dev_auth=True, database_url=url)
    runtime = LocalRuntime(settings, schedule=False, poll_seconds=0.05)
    runtime.services.clock = FrozenClock(frozen or E2E_START)
    runtime.start()
    return runtime


def stop_runtime(runtime) -> None:  # type: ignore[no-untyped-def]
    from foodsave.bootstrap import set_services
    from foodsave.observability import clear_metric_sinks

    runtime.stop()
    clear_metric_sinks()
    set_services(None)


@pytest.fixture(scope="module")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2E]:
    """The local runtime with its background wires and a TestClient on the merged app."""
    from fastapi.testclient import TestClient

    from foodsave.api.apps import local_app

    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    runtime = start_runtime(data_dir)
    try:
        with TestClient(local_app(), raise_server_exceptions=False) as client:
            yield E2E(runtime=runtime, client=client, data_dir=data_dir)
    finally:
        stop_runtime(runtime)


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer dev-{name}"}


def receipt_jpeg(seed: int = 1) -> bytes:
    """A small generated receipt photo (the receipts area's synthetic generator, undegraded)."""
    import random

    from devkit import receiptgen as synth

    rng = random.Random(seed)
    fonts = synth.installed_fonts()
    receipt = synth.generate_receipt(rng)
    image = synth.render_receipt(receipt, synth.RenderOptions(font_path=fonts[0], font_size=24))
    return synth.encode(image, "jpeg", 90)


def receipt_pdf(seed: int = 2) -> bytes:
    import random

    from devkit import receiptgen as synth

    rng = random.Random(seed)
    fonts = synth.installed_fonts()
    receipt = synth.generate_receipt(rng)
    image = synth.render_receipt(receipt, synth.RenderOptions(font_path=fonts[0], font_size=24))
    return synth.encode(image, "pdf")
