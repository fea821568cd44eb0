"""A receipt whose upload never arrives ends `failed` with a reason instead of staying pending forever."""

from __future__ import annotations

from datetime import timedelta

import pytest

from foodsave.db.models import Receipt, User
from foodsave.receipts.service import expire_abandoned_uploads

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_only_stale_pending_receipts_are_failed(services):
    now = services.clock.now()
    with services.db.session() as s:
        user = User(external_sub="dev:abandon")
        s.add(user)
        s.flush()
        s.add_all(
            [
                Receipt(
                    user_id=user.id,
                    object_key="k/old",
                    status="pending",
                    created_at=now - timedelta(hours=30),
                ),
                Receipt(
                    user_id=user.id, object_key="k/new", status="pending", created_at=now - timedelta(hours=1)
                ),
                Receipt(
                    user_id=user.id, object_key="k/done", status="parsed", created_at=now - timedelta(days=3)
                ),
            ]
        )
    with services.db.session() as s:
        assert expire_abandoned_uploads(s, now) == 1
    with services.db.session() as s:
        by_key = {r.object_key: r for r in s.query(Receipt).all()}
    assert by_key["k/old"].status == "failed" and "upload" in by_key["k/old"].failure_reason
    assert by_key["k/new"].status == "pending"
    assert by_key["k/done"].status == "parsed"
