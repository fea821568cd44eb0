"""Confirming a receipt bought long ago estimates expiry from the purchase date and flags what is already past it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from foodsave.db.models import Receipt, ReceiptLine, User
from foodsave.households.membership import household_of


def _parsed_receipt(services, client, auth, bought: datetime) -> str:
    client.get("/v1/pantry/items", headers=auth("anna"))  # signs the user up
    with services.db.session() as s:
        user_id = s.scalar(select(User.id).where(User.external_sub == "dev:anna"))
        receipt = Receipt(
            user_id=user_id,
            household_id=household_of(s, user_id),
            object_key="uploads/receipts/a/old.jpg",
            status="parsed",
            purchased_at=bought,
        )
        s.add(receipt)
        s.flush()
        for pos, (name, category) in enumerate([("Mleko 3,2%", "dairy"), ("Ryż biały 1kg", "dry_goods")]):
            s.add(
                ReceiptLine(
                    receipt_id=receipt.id, position=pos, name_raw=name, name=name, total=Decimal("3.99"),
                    category=category,
                )
            )  # fmt: skip
        return receipt.id


def test_an_old_receipt_flags_the_food_already_past_its_estimated_date(client, auth, services):
    now = services.clock.now()
    receipt_id = _parsed_receipt(services, client, auth, now - timedelta(days=60))
    body = client.post(f"/v1/receipts/{receipt_id}/confirm", headers=auth("anna")).json()
    by_name = {i["name"]: i for i in body["pantry_items"]}
    milk, rice = by_name["Mleko 3,2%"], by_name["Ryż biały 1kg"]
    assert milk["expires_at"] == (now - timedelta(days=60) + timedelta(days=7)).date().isoformat()
    assert body["past_date_item_ids"] == [milk["id"]]
    assert rice["id"] not in body["past_date_item_ids"]


def test_a_fresh_receipt_flags_nothing(client, auth, services):
    receipt_id = _parsed_receipt(services, client, auth, services.clock.now().astimezone(UTC))
    body = client.post(f"/v1/receipts/{receipt_id}/confirm", headers=auth("anna")).json()
    assert len(body["pantry_items"]) == 2
    assert body["past_date_item_ids"] == []
