"""A receipt-line edit racing the receipt's confirmation: the edit is either in the pantry or refused."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from foodsave.db.models import Receipt, ReceiptLine, User
from foodsave.households.membership import household_of
from tests.integration.concurrency.conftest import LiveServer, race


def _parsed_receipts(live: LiveServer, count: int) -> list[tuple[str, str]]:
    with live.client() as c:
        assert c.get("/v1/pantry/items").status_code == 200  # signs the user in
    made = []
    with live.runtime.services.db.session() as s:
        user_id = s.scalar(select(User.id).where(User.external_sub == "dev:anna"))
        for n in range(count):
            receipt = Receipt(
                user_id=user_id,
                household_id=household_of(s, user_id),
                object_key=f"uploads/receipts/x/{n}.jpg",
                status="parsed",
                total=Decimal("3.99"),
            )
            s.add(receipt)
            s.flush()
            line = ReceiptLine(receipt_id=receipt.id, position=0, name_raw="MLEKO 2%", name="mleko",
                               total=Decimal("3.99"), category="dairy")  # fmt: skip
            s.add(line)
            s.flush()
            made.append((receipt.id, line.id))
    return made


def test_line_edit_racing_confirm_is_in_the_pantry_when_reported_saved(live):
    receipts = _parsed_receipts(live, 6)

    def call(c, i):  # type: ignore[no-untyped-def]
        receipt_id, line_id = receipts[i // 2]
        if i % 2:
            return c.post(f"/v1/receipts/{receipt_id}/confirm", json={"accept_warnings": True})
        return c.patch(f"/v1/receipts/{receipt_id}/lines/{line_id}", json={"name": "Kefir naturalny"})

    answers = race(live, 12, call)

    for edit, confirm in zip(answers[0::2], answers[1::2], strict=True):
        assert confirm.status_code == 200
        assert edit.status_code in (200, 409)
        (pantry_item,) = confirm.json()["pantry_items"]
        expected = edit.json()["name"] if edit.status_code == 200 else "mleko"
        assert pantry_item["name"] == expected
