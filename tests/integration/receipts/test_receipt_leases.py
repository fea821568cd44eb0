"""The scheduled lease check: a receipt whose reading claim outlived its lease is read again, a bounded
number of times, then fails saying reading never finished; an unread photo is handed out again."""

from __future__ import annotations

import json
from datetime import timedelta

from foodsave.adapters.local import LocalQueue
from foodsave.db.models import Receipt, User
from foodsave.households.membership import household_of
from foodsave.receipts.recovery import MAX_OCR_ATTEMPTS, check_leases, never_finished, redeliver
from foodsave.receipts.service import STALE_CLAIM
from foodsave.receipts.upload_events import objects_in_message

JPEG = b"\xff\xd8\xff photo"


def _receipt(
    services, n: int, status: str, *, age: timedelta, attempts: int = 1, uploaded: bool = True
) -> str:  # type: ignore[no-untyped-def]
    at = services.clock.now() - age
    receipt_id = f"00000000-0000-0000-0000-{n:012d}"
    with services.db.session() as s:
        user = s.query(User).filter_by(external_sub="dev:lease").one_or_none()
        if user is None:
            user = User(external_sub="dev:lease")
            s.add(user)
            s.flush()
        key = f"uploads/receipts/{user.id}/{receipt_id}.jpg"
        s.add(Receipt(id=receipt_id, user_id=user.id, household_id=household_of(s, user.id), object_key=key,
                      status=status, etag="e1", ocr_attempts=attempts,
                      created_at=at, updated_at=at))  # fmt: skip
    if uploaded:
        services.store.put(key, JPEG, "image/jpeg")
    return receipt_id


def _row(services, receipt_id: str) -> Receipt:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        receipt = s.get(Receipt, receipt_id)
        s.expunge(receipt)
        return receipt


def test_a_claim_past_its_lease_goes_back_to_pending_and_is_handed_out_again(services):
    stuck = _receipt(services, 1, "processing", age=STALE_CLAIM + timedelta(minutes=1))

    check = check_leases(services.db, services.store, services.clock.now())

    assert [u.receipt_id for u in check.requeued] == [stuck] and check.failed == []
    assert _row(services, stuck).status == "pending"


def test_a_claim_within_its_lease_is_left_to_its_reader(services):
    reading = _receipt(services, 1, "processing", age=STALE_CLAIM - timedelta(minutes=1))

    check = check_leases(services.db, services.store, services.clock.now())

    assert check.requeued == [] and check.failed == []
    assert _row(services, reading).status == "processing"


def test_a_claim_past_its_lease_after_the_last_attempt_fails_saying_reading_never_finished(services):
    stuck = _receipt(services, 1, "processing", age=timedelta(hours=1), attempts=MAX_OCR_ATTEMPTS)

    check = check_leases(services.db, services.store, services.clock.now())

    assert check.failed == [stuck] and check.requeued == []
    row = _row(services, stuck)
    assert (row.status, row.failure_reason) == ("failed", never_finished(MAX_OCR_ATTEMPTS))
    assert "never arrived" not in row.failure_reason


def test_an_unread_photo_past_the_lease_is_handed_out_again_and_an_open_slot_is_not(services):
    unread = _receipt(services, 1, "pending", age=timedelta(hours=1), attempts=0)
    _receipt(services, 2, "pending", age=timedelta(hours=1), attempts=0, uploaded=False)

    check = check_leases(services.db, services.store, services.clock.now())

    assert [u.receipt_id for u in check.requeued] == [unread]


def test_a_second_check_in_the_same_lease_hands_nothing_out_twice(services):
    _receipt(services, 1, "processing", age=timedelta(hours=1))
    check_leases(services.db, services.store, services.clock.now())

    again = check_leases(services.db, services.store, services.clock.now())

    assert again.requeued == [] and again.failed == []


def test_redelivered_uploads_reach_the_queue_as_notifications_of_their_object(services, tmp_path):
    _receipt(services, 1, "processing", age=timedelta(hours=1))
    queue = LocalQueue(tmp_path / "queues", "receipt-uploads")
    check = check_leases(services.db, services.store, services.clock.now())

    redeliver(queue, services.store.bucket, check.requeued)

    (message,) = queue.receive(10)
    (announced,) = objects_in_message(message.body)
    head = services.store.head(check.requeued[0].key)
    assert (announced.bucket, announced.key, announced.etag) == (services.store.bucket, head.key, head.etag)
    assert json.loads(message.body)["Records"][0]["eventSource"] == "aws:s3"


def test_a_receipt_stuck_processing_after_its_reader_lost_the_database_is_read_on_the_next_schedule(
    tmp_path, db_url
):
    from datetime import UTC, datetime

    from pydantic import SecretStr

    from foodsave.adapters.local import FrozenClock
    from foodsave.bootstrap import set_services
    from foodsave.config import Settings
    from foodsave.receipts.service import REVIEWABLE
    from foodsave.runtime.local import LocalRuntime
    from tests.e2e.conftest import receipt_jpeg

    runtime = LocalRuntime(
        Settings(data_dir=tmp_path / "data", database_url=SecretStr(db_url)), schedule=False
    )
    try:
        runtime.services.clock = clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        with runtime.services.db.session() as s:
            user = User(external_sub="dev:lease-runtime")
            s.add(user)
            s.flush()
            receipt = Receipt(
                user_id=user.id, household_id=household_of(s, user.id), object_key="", status="pending"
            )
            s.add(receipt)
            s.flush()
            receipt.object_key = key = f"uploads/receipts/{user.id}/{receipt.id}.jpg"
            receipt_id = receipt.id
        info = runtime.services.store.put(key, receipt_jpeg(3), "image/jpeg")
        # Its reader claimed it, lost the database while storing the result, and its message was acked.
        (message,) = runtime.receipt_queue.receive(1)
        runtime.receipt_queue.delete(message.receipt_handle)
        claimed_at = clock.now() - timedelta(hours=1)
        with runtime.services.db.session() as s:
            row = s.get(Receipt, receipt_id)
            row.status, row.etag, row.ocr_attempts, row.updated_at = "processing", info.etag, 1, claimed_at

        runtime.fire_schedule()
        assert runtime.drain_receipts_once() == 1

        row = _row(runtime.services, receipt_id)
        assert row.status in REVIEWABLE and row.ocr_attempts == 2
    finally:
        runtime.stop()
        set_services(None)


def test_in_aws_the_scheduled_run_puts_a_stranded_receipt_back_on_the_receipts_queue(services):
    import boto3
    from moto import mock_aws

    from foodsave.adapters.aws.messaging import SqsQueue
    from foodsave.alerts.schedule import run_scheduled

    stuck = _receipt(services, 1, "processing", age=timedelta(hours=1))
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-central-1")
        url = sqs.create_queue(QueueName="receipt-uploads")["QueueUrl"]
        services.receipt_queue = SqsQueue(sqs, url)

        result = run_scheduled(services)

        (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    (announced,) = objects_in_message(message["Body"])
    assert (result["receipts_requeued"], result["failed"]) == (1, [])
    assert announced.key == _row(services, stuck).object_key
