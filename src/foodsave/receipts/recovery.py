"""Receipts stranded by a crash: uploads that arrived but were never read, claims whose process died, and
deliveries that used up their attempts. Each ends processed again or `failed` with its true reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from foodsave.db.models import Receipt
from foodsave.errors import FoodSaveError
from foodsave.observability import logger

if TYPE_CHECKING:
    from foodsave.db.session import Database
    from foodsave.ports import ObjectInfo, ObjectStore

OPEN = ("pending", "processing")


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
        try:
            info = store.head(key)
        except FoodSaveError:  # a key the store refuses has no object
            info = None
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
