"""`foodsave serve` reads receipts in a process of its own, below the HTTP server's CPU priority: the photo
still ends parsed, and stopping the runtime stops that process."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

from foodsave.api.apps import local_app
from foodsave.bootstrap import set_services
from foodsave.config import Settings
from foodsave.observability import clear_metric_sinks
from foodsave.runtime.local import LocalRuntime
from foodsave.runtime.receipt_worker import RECEIPT_NICE
from tests.e2e.conftest import receipt_jpeg

HEADERS = {"Authorization": "Bearer dev-ola"}


@pytest.fixture
def runtime(tmp_path):
    rt = LocalRuntime(
        Settings(data_dir=tmp_path / "data"), schedule=False, poll_seconds=0.05, receipt_process=True
    )
    rt.start()
    try:
        yield rt
    finally:
        rt.stop()
        clear_metric_sinks()
        set_services(None)


def _upload_receipt(client: TestClient) -> str:
    made = client.post("/v1/receipts", json={"content_type": "image/jpeg"}, headers=HEADERS).json()
    slot = made["upload"]
    sent = client.post(
        "/local-uploads", data=slot["fields"], files={"file": ("r.jpg", receipt_jpeg(7), "image/jpeg")}
    )
    assert sent.status_code == 204
    return str(made["receipt"]["id"])


def test_a_receipt_uploaded_to_the_serving_runtime_is_read_by_its_receipt_process(runtime):
    with TestClient(local_app()) as client:
        receipt_id = _upload_receipt(client)
        assert runtime.wait_idle(180), "the receipt process did not read the upload"
        status = client.get(f"/v1/receipts/{receipt_id}", headers=HEADERS).json()["status"]
    assert status == "parsed"


def test_the_receipt_process_runs_below_the_servers_cpu_priority(runtime):
    pid = runtime.receipt_process_pid
    assert pid is not None and pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(os.getpriority(os.PRIO_PROCESS, 0) + RECEIPT_NICE, 19)


def test_stopping_the_runtime_stops_its_receipt_process(runtime):
    pid = runtime.receipt_process_pid
    runtime.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
