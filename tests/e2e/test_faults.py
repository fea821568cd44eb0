"""Faults the cloud will produce: repeated S3 events and SQS messages, a poison message in a batch, parts
of the system down, a crash between a change and its event. The system loses nothing, duplicates nothing,
answers 503 or a degraded reply while a part is down, and recovers without a restart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from foodsave.runtime import events
from tests.e2e.conftest import bearer, receipt_jpeg
from tests.e2e.uploads import upload

OPERATOR = {"Authorization": "Bearer dev-ops-status"}  # /v1/status details are for operators


def _receipt(e2e, user: str, seed: int = 1) -> dict:  # type: ignore[no-untyped-def]
    result = upload(e2e.client, "/v1/receipts", bearer(user), "r.jpg", receipt_jpeg(seed), "image/jpeg")
    assert not result.refused, result.body
    assert e2e.runtime.wait_idle(120)
    body = e2e.client.get(f"/v1/receipts/{result.resource_id}", headers=bearer(user)).json()
    assert body["status"] in ("parsed", "needs_review"), body
    return body


def _object_event(e2e, user: str) -> dict:  # type: ignore[no-untyped-def]
    store = e2e.services.store
    keys = [
        k
        for k in store.list("uploads/receipts/")
        if e2e.client.get("/v1/me", headers=bearer(user)).json()["id"] in k
    ]
    assert len(keys) == 1, keys
    info = store.head(keys[0])
    return events.s3_object_created(store.bucket, info.key, info.etag, info.size)


def _listed(e2e, user: str, path: str) -> list[dict]:  # type: ignore[no-untyped-def]
    body = e2e.client.get(path, headers=bearer(user), params={"limit": 100}).json()
    return list(body["items"])


def _count(e2e, user: str, path: str) -> int:
    return len(_listed(e2e, user, path))


def test_duplicate_s3_events_make_one_receipt_and_one_set_of_pantry_items(e2e):
    receipt = _receipt(e2e, "dup-s3")
    event = _object_event(e2e, "dup-s3")
    for _ in range(2):  # S3 delivers at least once: the same object again, before and after confirming
        e2e.runtime.invoke("ocr", event)
    confirmed = e2e.client.post(f"/v1/receipts/{receipt['id']}/confirm", headers=bearer("dup-s3"))
    assert confirmed.status_code == 200, confirmed.text
    items = len(confirmed.json()["pantry_items"])
    e2e.runtime.invoke("ocr", event)
    again = e2e.client.post(f"/v1/receipts/{receipt['id']}/confirm", headers=bearer("dup-s3"))
    assert again.status_code == 200, again.text  # confirming twice is idempotent: the same items
    assert {i["id"] for i in again.json()["pantry_items"]} == {
        i["id"] for i in confirmed.json()["pantry_items"]
    }
    assert _count(e2e, "dup-s3", "/v1/receipts") == 1
    assert _count(e2e, "dup-s3", "/v1/pantry/items") == items > 0
    lines = e2e.client.get(f"/v1/receipts/{receipt['id']}", headers=bearer("dup-s3")).json()["lines"]
    assert len(lines) == len(receipt["lines"])


class FailingBus:
    """An event bus that is down: every publish raises, as EventBridge would during an outage."""

    def publish(self, event) -> None:  # type: ignore[no-untyped-def]
        raise ConnectionError("event bus unreachable")


@pytest.fixture
def bus_down(e2e) -> Iterator[None]:
    real = e2e.services.bus
    e2e.services.bus = FailingBus()
    try:
        yield
    finally:
        e2e.services.bus = real


def _published(e2e, receipt_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    path = Path(e2e.data_dir) / "events.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [e for e in map(json.loads, lines) if e.get("data", {}).get("receipt_id") == receipt_id]


def test_event_written_with_a_receipt_is_delivered_after_the_publisher_crashed(e2e, bus_down):
    receipt = _receipt(e2e, "outbox-crash")  # parsed while the bus was down: the event waits in the outbox
    assert [e for e in _published(e2e, receipt["id"]) if e["type"] == "ReceiptParsed"] == []
    e2e.services.bus = e2e.runtime.services.bus = _RealBus.of(e2e)
    e2e.runtime.fire_schedule(e2e.services.clock.now())  # the schedule re-sends stragglers
    e2e.runtime.fire_schedule(e2e.services.clock.now())
    delivered = [e for e in _published(e2e, receipt["id"]) if e["type"] == "ReceiptParsed"]
    assert len(delivered) == 1


class _RealBus:
    @staticmethod
    def of(e2e):  # type: ignore[no-untyped-def]
        from foodsave.adapters.local import LocalEventBus

        return LocalEventBus(Path(e2e.data_dir) / "events.jsonl")


def test_receipt_upload_with_the_object_store_down_is_503_and_writes_nothing(e2e):
    store = e2e.services.store
    store.available = False
    try:
        down = upload(e2e.client, "/v1/receipts", bearer("store-down"), "r.jpg", receipt_jpeg(), "image/jpeg")
        status = e2e.client.get("/v1/status", headers=OPERATOR)
    finally:
        store.available = True
    assert 503 in (down.status, down.slot_status), down.body
    assert status.status_code == 503 and status.json()["components"]["object_store"]["status"] == "down"
    # Nothing half-written: at most the `pending` slot the app asked for, never a processed receipt.
    assert all(r["status"] == "pending" for r in _listed(e2e, "store-down", "/v1/receipts"))
    assert _count(e2e, "store-down", "/v1/pantry/items") == 0
    again = upload(e2e.client, "/v1/receipts", bearer("store-down"), "r.jpg", receipt_jpeg(), "image/jpeg")
    assert not again.refused  # recovered without a restart
    assert e2e.runtime.wait_idle(120)
    done = [r for r in _listed(e2e, "store-down", "/v1/receipts") if r["id"] == again.resource_id]
    assert done and done[0]["status"] in ("parsed", "needs_review")


@pytest.fixture
def cold_search(e2e, tmp_path: Path) -> Iterator[None]:
    """A search service that has loaded no index yet, as in a container that just started."""
    from foodsave.vectors.search import SearchService

    lazy = e2e.services.lazy.search
    warm = lazy.get(e2e.services)
    lazy.set(
        SearchService(e2e.services.store, e2e.services.embedder, tmp_path / "index-cache", refresh_seconds=0)
    )
    try:
        yield
    finally:
        lazy.set(warm)


def test_search_with_the_index_missing_answers_503_and_recovers(e2e, cold_search):
    query = {"q": "chleb", "scope": "knowledge"}
    store = e2e.services.store
    pointer = "indexes/knowledge/latest.json"  # published when the runtime indexed its bundled corpora
    saved = store.get(pointer)
    store.delete(pointer)
    try:
        resp = e2e.client.get("/v1/search", params=query, headers=bearer("idx"))
    finally:
        store.put(pointer, saved)
    assert resp.status_code == 503, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert e2e.client.get("/v1/search", params=query, headers=bearer("idx")).status_code == 200


def test_chat_about_documents_while_their_index_is_missing_says_so_instead_of_failing(e2e, cold_search):
    result = upload(e2e.client, "/v1/documents", bearer("idx-chat"), "chleb.txt",
                    b"Chleb przechowuj w lnianym worku.\n", "text/plain")  # fmt: skip
    assert not result.refused, result.body
    assert e2e.runtime.wait_idle(120)
    user_id = e2e.client.get("/v1/me", headers=bearer("idx-chat")).json()["id"]
    store = e2e.services.store
    pointer = next(k for k in store.list("indexes/") if user_id in k and k.endswith("latest.json"))
    saved = store.get(pointer)
    store.delete(pointer)
    try:
        resp = e2e.client.post(
            "/v1/chat", json={"message": "co piszą moje dokumenty o chlebie?"}, headers=bearer("idx-chat")
        )
    finally:
        store.put(pointer, saved)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["degraded"] == ["documents_index"]
    assert "indeks" in body["reply"].lower()  # the reply names what is missing


@pytest.mark.parametrize("poison", ["not json at all", json.dumps({"type": "no_such_job"})])
def test_poison_message_fails_alone_and_lands_in_the_dlq_after_retries(poison):
    import boto3
    from moto import mock_aws

    from foodsave.runtime.context import LocalLambdaContext
    from foodsave.runtime.handlers import load_handler

    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-central-1")
        dlq = sqs.create_queue(QueueName="index-jobs-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        src = sqs.create_queue(
            QueueName="index-jobs",
            Attributes={
                "VisibilityTimeout": "0",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
            },
        )["QueueUrl"]
        good = [{"type": "corpus_rebuild", "name": "knowledge"}]
        for body in [*map(json.dumps, good), poison]:
            sqs.send_message(QueueUrl=src, MessageBody=body)
        handler = load_handler("index-builder")
        failed_ids: set[str] = set()
        for _ in range(5):  # what the Lambda event source mapping does: receive, invoke, delete successes
            got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
                "Messages", []
            )
            if not got:
                break
            batch = events.sqs_batch(
                events.sqs_record(m["Body"], message_id=m["MessageId"], receipt_handle=m["ReceiptHandle"],
                                  receive_count=int(m["Attributes"]["ApproximateReceiveCount"]))
                for m in got
            )  # fmt: skip
            try:
                result = handler(batch, LocalLambdaContext(function_name="foodsave-index-builder"))
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            except Exception:  # noqa: BLE001 - Lambda retries a batch whose invocation raised, as a whole
                failed = {m["MessageId"] for m in got}
            failed_ids |= failed
            for m in got:
                if m["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"])
        dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
        assert [m["Body"] for m in dead] == [poison]
        assert len(failed_ids) == 1


def test_duplicate_sqs_messages_make_one_index_update(e2e):
    result = upload(e2e.client, "/v1/documents", bearer("dup-sqs"), "notatki.txt",
                    "Kapustę kiszoną trzymamy w chłodzie.\n".encode(), "text/plain")  # fmt: skip
    assert not result.refused, result.body
    assert e2e.runtime.wait_idle(120)
    store = e2e.services.store
    user_id = e2e.client.get("/v1/me", headers=bearer("dup-sqs")).json()["id"]
    key = next(k for k in store.list(f"uploads/documents/{user_id}/"))
    info = store.head(key)
    body = events.s3_object_created(store.bucket, key, info.etag, info.size)

    def versions() -> list[str]:
        return sorted(k for k in store.list("indexes/") if user_id in k and k.endswith("manifest.json"))

    before = versions()
    assert before, "the upload was indexed once"
    for _ in range(2):  # SQS delivers at least once: the same message again, twice
        out = e2e.runtime.invoke("index-builder", events.sqs_event([body]))
        assert out.get("batchItemFailures", []) == []
    assert versions() == before
    docs = e2e.client.get("/v1/documents", headers=bearer("dup-sqs")).json()["items"]
    assert len(docs) == 1
