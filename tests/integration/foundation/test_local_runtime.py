"""The local runtime wires events like AWS: uploads notify, queue batches reach the builder, a timer fires the evaluator."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from foodsave.api.apps import local_app
from foodsave.bootstrap import set_services
from foodsave.config import Settings
from foodsave.runtime.local import LocalRuntime


@pytest.fixture
def runtime(tmp_path):
    rt = LocalRuntime(Settings(data_dir=tmp_path / "data"), schedule=False)
    try:
        yield rt
    finally:
        rt.stop()
        set_services(None)


def test_runtime_creates_its_database_and_serves_pantry_data_across_restarts(tmp_path, runtime):
    with TestClient(local_app()) as client:
        resp = client.post(
            "/v1/pantry/items", json={"name": "Masło"}, headers={"Authorization": "Bearer dev-ola"}
        )
        assert resp.status_code == 201
    runtime.stop()
    set_services(None)
    again = LocalRuntime(Settings(data_dir=tmp_path / "data"), schedule=False)
    with TestClient(local_app()) as client:
        items = client.get("/v1/pantry/items", headers={"Authorization": "Bearer dev-ola"}).json()["items"]
    again.stop()
    assert [i["name"] for i in items] == ["Masło"]


def test_document_upload_reaches_the_index_queue_as_an_s3_event(runtime):
    runtime.services.store.put("uploads/documents/u1/d1.txt", b"notatki", "text/plain")
    (message,) = runtime.services.queue.receive(10)
    record = json.loads(message.body)["Records"][0]
    assert record["eventSource"] == "aws:s3"
    assert record["s3"]["object"]["key"] == "uploads/documents/u1/d1.txt"


def test_presigned_local_upload_checks_signature_size_and_sniffed_type(runtime):
    store = runtime.services.store
    slot = store.presigned_post("uploads/documents/u1/d2.txt", ("text/plain",), 64, 60)
    with TestClient(local_app()) as client:
        ok = client.post(
            "/local-uploads", data=slot.fields, files={"file": ("a.txt", b"hello", "text/plain")}
        )
        assert ok.status_code == 204
        forged = client.post(
            "/local-uploads",
            data={**slot.fields, "key": "uploads/documents/u2/evil.txt"},
            files={"file": ("a.txt", b"hello", "text/plain")},
        )
        assert forged.status_code == 422
        too_big = client.post(
            "/local-uploads", data=slot.fields, files={"file": ("a.txt", b"x" * 65, "text/plain")}
        )
        assert too_big.status_code == 413
        wrong_type = client.post(
            "/local-uploads",
            data=slot.fields,
            files={"file": ("a.txt", b"\x89PNG\r\n\x1a\n....", "text/plain")},
        )
        assert wrong_type.status_code == 415
    assert store.get("uploads/documents/u1/d2.txt") == b"hello"


def test_schedule_fires_the_alert_evaluator_with_an_eventbridge_event(runtime):
    result = runtime.fire_schedule()
    assert result is not None and "outbox_published" in result
