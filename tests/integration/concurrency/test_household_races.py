"""Two members of one household on two phones at the same moment, over real HTTP on both databases: the
same shopping line, the same pantry item, the same receipt; no lost update and no double effect."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from foodsave.db.models import PantryItem, Receipt, ReceiptLine, User
from foodsave.households.membership import household_of
from tests.integration.concurrency.conftest import LiveServer, race

MEMBERS = ("anna", "ben")


@pytest.fixture
def household(live: LiveServer) -> LiveServer:
    """anna owns a household that ben joined."""
    with live.client("anna") as anna, live.client("ben") as ben:
        code = anna.post("/v1/household/invites").json()["code"]
        assert ben.post("/v1/household/accept", json={"code": code}).status_code == 200
    return live


def test_members_changing_one_shopping_line_at_once_keep_both_changes(household):
    with household.client("anna") as c:
        line = c.post("/v1/shopping-list", json={"name": "mleko"}).json()
    url = f"/v1/shopping-list/{line['id']}"

    answers = race(
        household, 2, lambda c, i: c.patch(url, json=({"done": True}, {"quantity": 3})[i]), users=MEMBERS
    )

    assert [r.status_code for r in answers] == [200, 200]
    with household.client("ben") as c:
        after = c.get(url).json()
    assert (after["done"], after["quantity"]) == (True, "3")


def test_members_eating_one_item_at_once_never_eat_more_than_it_holds(household):
    with household.client("anna") as c:
        item = c.post("/v1/pantry/items", json={"name": "Jogurt", "quantity": "6", "price": "12.00"}).json()
    url = f"/v1/pantry/items/{item['id']}/consume"

    answers = race(household, 12, lambda c, _: c.post(url, json={"quantity": "1"}), users=MEMBERS)

    assert Counter(r.status_code for r in answers) == {200: 6, 409: 6}
    with household.client("ben") as c:
        stats = c.get("/v1/pantry/stats").json()
    assert (Decimal(stats["eaten"]), Decimal(stats["in_pantry"])) == (Decimal("12"), Decimal("0"))


def test_members_confirming_one_receipt_at_once_fill_the_pantry_once(household):
    with household.runtime.services.db.session() as s:
        anna = s.scalar(select(User.id).where(User.external_sub == "dev:anna"))
        receipt = Receipt(
            user_id=anna,
            household_id=household_of(s, anna),
            object_key="uploads/receipts/x/r.jpg",
            status="parsed",
            total=Decimal("3.99"),
        )
        s.add(receipt)
        s.flush()
        s.add(ReceiptLine(receipt_id=receipt.id, position=0, name_raw="MLEKO 2%", name="mleko",
                          total=Decimal("3.99"), category="dairy"))  # fmt: skip
        receipt_id = receipt.id
    url = f"/v1/receipts/{receipt_id}/confirm"

    answers = race(household, 6, lambda c, _: c.post(url, json={"accept_warnings": True}), users=MEMBERS)

    assert {r.status_code for r in answers} == {200}
    assert len({tuple(p["id"] for p in r.json()["pantry_items"]) for r in answers}) == 1
    with household.runtime.services.db.session() as s:
        assert len(s.scalars(select(PantryItem)).all()) == 1


def test_two_people_accepting_one_invite_at_once_let_one_join(live):
    with live.client("anna") as anna:
        code = anna.post("/v1/household/invites").json()["code"]

    answers = race(
        live, 2, lambda c, _: c.post("/v1/household/accept", json={"code": code}), users=("ben", "carl")
    )

    assert sorted(r.status_code for r in answers) == [200, 410]
    with live.client("anna") as anna:
        assert len(anna.get("/v1/household").json()["members"]) == 2
