"""Receipts stranded by a crash: uploads that arrived but were never read, claims whose process died, and
deliveries that used up their attempts. Each ends processed again or `failed` with its true reason.

`release_stranded` runs once at the start of a runtime that is the only OCR consumer; `check_leases` runs on
the schedule (locally and in AWS) and needs no such assumption: it only touches claims past their lease."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from foodsave.db.models import Receipt
from foodsave.errors import FoodSaveError
from foodsave.observability import logger
from foodsave.receipts.service import STALE_CLAIM
from foodsave.receipts.upload_events import UploadedObject, redelivery_message

if TYPE_CHECKING:
    from foodsave.db.session import Database
    from foodsave.ports import ObjectInfo, ObjectStore, Queue

OPEN = ("pending", "processing")
# Readings of one photo started before the lease check gives up on it.
MAX_OCR_ATTEMPTS = 3


def never_finished(attempts: int) -> str:
    return (
        f"Reading the photo was started {attempts} times and never finished "
        "(the reader stopped or lost its database). Please upload it again."
    )


@dataclass(frozen=True)
class StrandedUpload:
    """A receipt to hand to OCR again; `info` is None when its object is gone (OCR then fails it truly)."""

    receipt_id: str
    key: str
    info: ObjectInfo | None


def release_stranded(db: Database, store: ObjectStore) -> list[StrandedUpload]:
    """For a runtime that is the only OCR consumer of its database, at start: every `processing` claim
    belongs to a process that is gone, so it goes back to `pending`; pending receipts whose object arrived
    and released claims are returned for redelivery (processing is idempotent, so a message that is also
    still queued does no harm). Pending receipts without an object are left to their upload slot."""
    with db.session() as session:
        rows = session.execute(
            select(Receipt.id, Receipt.object_key, Receipt.status).where(Receipt.status.in_(OPEN))
        ).all()
        session.execute(
            update(Receipt)
            .where(Receipt.status == "processing")
            .values(status="pending")
            .execution_options(synchronize_session=False)
        )
    stranded = []
    for receipt_id, key, status in rows:
        info = _head(store, key)
        if info is None and status == "pending":
            continue
        stranded.append(StrandedUpload(receipt_id, key, info))
    if stranded:
        logger.info("stranded receipts handed to OCR again", extra={"receipts": len(stranded)})
    return stranded


def fail_undelivered(db: Database, key: str, reason: str, now: datetime) -> bool:
    """The upload's OCR deliveries are used up (its message went to the dead-letter queue): the receipt
    ends `failed` with that reason instead of waiting forever. False when it was already finished."""
    with db.session() as session:
        changed = session.execute(
            update(Receipt)
            .where(Receipt.object_key == key, Receipt.status.in_(OPEN))
            .values(status="failed", failure_reason=reason[:500], updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(changed.rowcount)  # type: ignore[attr-defined]


@dataclass
class LeaseCheck:
    """What one lease check did: uploads handed to OCR again, and receipts it gave up on."""

    requeued: list[StrandedUpload] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def check_leases(
    db: Database,
    store: ObjectStore,
    now: datetime,
    *,
    lease: timedelta = STALE_CLAIM,
    max_attempts: int = MAX_OCR_ATTEMPTS,
) -> LeaseCheck:
    """Receipts whose reading claim is older than `lease` (the reader died, or its database write failed)
    go back to `pending` for another attempt, or end `failed` saying so once `max_attempts` readings were
    started. Pending receipts past the lease whose photo did arrive were never handed to OCR (a lost
    notification or a failed send): they are handed out again. Each change is conditional on the row as
    read, so a reader that claims or finishes the receipt meanwhile wins."""
    cutoff = now - lease
    check = LeaseCheck()
    with db.session() as session:
        rows = session.execute(
            select(Receipt.id, Receipt.object_key, Receipt.status, Receipt.ocr_attempts).where(
                Receipt.status.in_(OPEN), Receipt.updated_at < cutoff
            )
        ).all()
    for receipt_id, key, status, attempts in rows:
        info = _head(store, key)
        if status == "pending" and info is None:
            continue  # the upload slot is still open, or expires to the 24-hour sweep
        give_up = status == "processing" and attempts >= max_attempts
        values = (
            {"status": "failed", "failure_reason": never_finished(attempts)}
            if give_up
            else {"status": "pending"}
        )
        with db.session() as session:
            changed = session.execute(
                update(Receipt)
                .where(
                    Receipt.id == receipt_id,
                    Receipt.status == status,
                    Receipt.ocr_attempts == attempts,
                    Receipt.updated_at < cutoff,
                )
                .values(**values, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        if not changed.rowcount:  # type: ignore[attr-defined]
            continue
        if give_up:
            check.failed.append(receipt_id)
        else:
            check.requeued.append(StrandedUpload(receipt_id, key, info))
    if rows:
        logger.info(
            "receipt leases checked",
            extra={"requeued": len(check.requeued), "failed": len(check.failed)},
        )
    return check


def redeliver(queue: Queue, bucket: str, uploads: Sequence[StrandedUpload]) -> int:
    """Hand each upload to the OCR queue as the notification its arrival would have sent."""
    for upload in uploads:
        info = upload.info
        queue.send(
            redelivery_message(
                UploadedObject(bucket, upload.key, info.etag if info else None, info.size if info else None)
            )
        )
    return len(uploads)


def _head(store: ObjectStore, key: str) -> ObjectInfo | None:
    try:
        return store.head(key)
    except FoodSaveError:  # a key the store refuses has no object
        return None
