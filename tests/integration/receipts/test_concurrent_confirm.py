"""Two confirmations of one receipt at the same moment add its food to the pantry once, and neither fails."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from foodsave.db.models import PantryItem, Receipt, ReceiptLine, User
from foodsave.households.membership import household_of
from foodsave.receipts.service import ReceiptService


@pytest.fixture
def parsed_receipt(services):
    with services.db.session() as s:
        user = User(external_sub="dev:twice")
        s.add(user)
        s.flush()
        receipt = Receipt(
            user_id=user.id,
            household_id=household_of(s, user.id),
            object_key="uploads/receipts/x/r.jpg",
            status="parsed",
            total=Decimal("7.98"),
        )
        s.add(receipt)
        s.flush()
        for pos, (name, category) in enumerate([("Mleko 3,2%", "dairy"), ("Chleb żytni", "bakery")]):
            s.add(
                ReceiptLine(
                    receipt_id=receipt.id,
                    position=pos,
                    name_raw=name,
                    name=name,
                    total=Decimal("3.99"),
                    category=category,
                )
            )
        return user.id, receipt.id


def test_simultaneous_confirms_add_each_line_once(services, parsed_receipt):
    user_id, receipt_id = parsed_receipt
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            barrier.wait()
            with services.db.session() as s:
                ReceiptService(s, user_id, clock=services.clock).confirm(receipt_id)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with services.db.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(PantryItem).where(PantryItem.user_id == user_id)) == 2
        )
        assert s.get(Receipt, receipt_id).status == "confirmed"
