"""A receipt whose upload never arrives ends `failed` with a reason instead of staying pending forever."""

from __future__ import annotations

from datetime import timedelta

import pytest

from foodsave.db.models import Receipt, User
from foodsave.households.membership import household_of
from foodsave.receipts.service import NEVER_ARRIVED, NEVER_FINISHED, NEVER_READ, expire_abandoned_uploads

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_only_stale_pending_receipts_are_failed(services):
    now = services.clock.now()
    with services.db.session() as s:
        user = User(external_sub="dev:abandon")
        s.add(user)
        s.flush()
        home = household_of(s, user.id)
        ages = {"k/old": ("pending", timedelta(hours=30)), "k/new": ("pending", timedelta(hours=1)),
                "k/done": ("parsed", timedelta(days=3))}  # fmt: skip
        for key, (status, age) in ages.items():
            s.add(
                Receipt(
                    user_id=user.id, household_id=home, object_key=key, status=status, created_at=now - age
                )
            )
    with services.db.session() as s:
        assert expire_abandoned_uploads(s, now, store=services.store) == 1
    with services.db.session() as s:
        by_key = {r.object_key: r for r in s.query(Receipt).all()}
    assert by_key["k/old"].status == "failed" and "upload" in by_key["k/old"].failure_reason
    assert by_key["k/new"].status == "pending"
    assert by_key["k/done"].status == "parsed"


def _stale_receipt(services, status: str, key: str) -> str:  # type: ignore[no-untyped-def]
    now = services.clock.now()
    with services.db.session() as s:
        user = User(external_sub=f"dev:{status}-{key[-6:]}")
        s.add(user)
        s.flush()
        then = now - timedelta(hours=30)
        receipt = Receipt(user_id=user.id, household_id=household_of(s, user.id), object_key=key, status=status,
                          created_at=then, updated_at=then)  # fmt: skip
        s.add(receipt)
        s.flush()
        return receipt.id


def _swept_reason(services, receipt_id: str) -> str:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        assert expire_abandoned_uploads(s, services.clock.now(), store=services.store) == 1
    with services.db.session() as s:
        receipt = s.get(Receipt, receipt_id)
        assert receipt.status == "failed"
        return receipt.failure_reason


def test_a_stale_pending_receipt_whose_photo_arrived_fails_as_never_read(services):
    key = "uploads/receipts/u/00000000-0000-0000-0000-000000000001.jpg"
    services.store.put(key, b"\xff\xd8\xff photo", "image/jpeg")
    assert _swept_reason(services, _stale_receipt(services, "pending", key)) == NEVER_READ


def test_a_stale_pending_receipt_without_its_photo_fails_as_never_arrived(services):
    key = "uploads/receipts/u/00000000-0000-0000-0000-000000000002.jpg"
    assert _swept_reason(services, _stale_receipt(services, "pending", key)) == NEVER_ARRIVED


def test_a_receipt_stuck_processing_for_a_day_fails_as_never_finished(services):
    key = "uploads/receipts/u/00000000-0000-0000-0000-000000000003.jpg"
    services.store.put(key, b"\xff\xd8\xff photo", "image/jpeg")
    assert _swept_reason(services, _stale_receipt(services, "processing", key)) == NEVER_FINISHED
