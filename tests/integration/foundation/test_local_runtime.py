"""The local runtime wires events like AWS: uploads notify, queue batches reach the builder, a timer fires the evaluator."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from foodsave.api.apps import local_app
from foodsave.bootstrap import set_services
from foodsave.config import Settings
from foodsave.households.membership import household_of
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
    from foodsave.db.models import Document, User

    with runtime.services.db.session() as s:
        user = User(external_sub="dev:slots")
        s.add(user)
        s.flush()
        s.add(Document(user_id=user.id, title="notatki", object_key="uploads/documents/u1/d2.txt"))
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


def test_messages_a_killed_runtime_had_received_are_visible_again_when_the_next_one_starts(tmp_path):
    from foodsave.adapters.local import LocalQueue

    queue = LocalQueue(tmp_path / "queues", "receipt-uploads", visibility_seconds=3600)
    queue.send({"n": 1})
    (received,) = queue.receive(1)
    assert queue.receive(1) == []
    assert queue.recover_inflight() == 1
    (again,) = queue.receive(1)
    assert (again.message_id, again.receive_count) == (received.message_id, 2)


def test_an_upload_whose_deliveries_are_used_up_fails_its_receipt_with_that_reason(runtime, monkeypatch):
    from foodsave.db.models import Receipt, User
    from foodsave.receipts.service import ReceiptProcessor
    from foodsave.runtime import events

    receipt_id = "00000000-0000-0000-0000-000000000009"
    key = f"uploads/receipts/u9/{receipt_id}.jpg"
    with runtime.services.db.session() as s:
        user = User(external_sub="dev:dlq")
        s.add(user)
        s.flush()
        s.add(Receipt(id=receipt_id, user_id=user.id, household_id=household_of(s, user.id), object_key=key))

    def outage(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("the database went away")

    monkeypatch.setattr(ReceiptProcessor, "process_object", outage)
    runtime.receipt_queue.send(events.s3_object_created(runtime.services.store.bucket, key, "e", 1))
    for _ in range(runtime.receipt_queue.max_receives):
        assert runtime.drain_receipts_once() == 1
    assert runtime.drain_receipts_once() == 0
    with runtime.services.db.session() as s:
        receipt = s.get(Receipt, receipt_id)
    assert (receipt.status, receipt.failure_reason) == (
        "failed",
        "The receipt could not be processed after 3 attempts; please upload it again.",
    )
    assert runtime.receipt_queue.dlq_depth() == 1


def test_the_data_folder_database_and_event_log_are_owner_only(tmp_path, runtime):
    import stat

    from foodsave.events import Event

    runtime.services.bus.publish(
        Event(type="ReceiptParsed", user_id="u", data={}, occurred_at="2026-11-30T10:00:00+00:00")
    )
    data = tmp_path / "data"
    modes = {
        p.name: stat.S_IMODE(p.stat().st_mode) for p in (data, data / "foodsave.db", data / "events.jsonl")
    }
    assert modes == {"data": 0o700, "foodsave.db": 0o600, "events.jsonl": 0o600}
