"""Shopping list routes and spending from stored receipts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from foodsave.db.models import Receipt, ReceiptLine
from foodsave.households.membership import household_of
from foodsave.shopping.service import ShoppingListService
from foodsave.shopping.spending import spending
from foodsave.users import get_or_create_user

PROBLEM = "application/problem+json"
URL = "/v1/shopping-list"


def _add(client, auth, name="mleko", user="anna", **extra):
    resp = client.post(URL, json={"name": name, **extra}, headers=auth(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_added_line_is_listed_with_its_quantity_and_unit(client, auth):
    created = _add(client, auth, name="Mąka pszenna", quantity="1.5", unit="kg")
    listing = client.get(URL, headers=auth()).json()
    assert listing["total"] == 1
    assert listing["items"][0] | {} == created
    assert (created["quantity"], created["unit"], created["done"], created["source"]) == (
        "1.5",
        "kg",
        False,
        "manual",
    )


def test_adding_the_same_product_again_grows_the_open_line(client, auth):
    first = _add(client, auth, name="jajka", quantity="6")
    second = _add(client, auth, name="Jajko", quantity="4")
    assert second["id"] == first["id"]
    assert second["quantity"] == "10"
    assert _add(client, auth, name="jajka", unit="opak")["id"] != first["id"]


def test_line_can_be_ticked_off_changed_and_deleted(client, auth):
    line = _add(client, auth)
    url = f"{URL}/{line['id']}"
    patched = client.patch(url, json={"done": True, "quantity": "2"}, headers=auth()).json()
    assert (patched["done"], patched["quantity"]) == (True, "2")
    assert client.get(url, headers=auth()).json()["done"] is True
    assert client.delete(url, headers=auth()).status_code == 204
    assert client.get(url, headers=auth()).status_code == 404


def test_clear_done_removes_only_bought_lines(client, auth):
    bought = _add(client, auth, name="chleb")
    _add(client, auth, name="masło")
    client.patch(f"{URL}/{bought['id']}", json={"done": True}, headers=auth())
    assert client.post(f"{URL}/clear-done", headers=auth()).json() == {"removed": 1}
    assert [i["name"] for i in client.get(URL, headers=auth()).json()["items"]] == ["masło"]


def test_list_filters_by_done_and_paginates_open_lines_first(client, auth, services):
    for name in ("a", "b", "c"):
        _add(client, auth, name=name)
        services.clock.advance(seconds=1)  # lines are listed in the order they were added
    first = client.get(URL, headers=auth()).json()["items"][0]
    client.patch(f"{URL}/{first['id']}", json={"done": True}, headers=auth())
    page = client.get(f"{URL}?limit=2", headers=auth()).json()
    assert [i["name"] for i in page["items"]] == ["b", "c"]
    assert page["total"] == 3
    assert [i["name"] for i in client.get(f"{URL}?done=true", headers=auth()).json()["items"]] == ["a"]


def test_another_users_line_is_404_for_every_verb(client, auth):
    line = _add(client, auth, user="anna")
    url = f"{URL}/{line['id']}"
    for method, kwargs in (("get", {}), ("patch", {"json": {"done": True}}), ("delete", {})):
        resp = getattr(client, method)(url, headers=auth("bob"), **kwargs)
        assert resp.status_code == 404, method
        assert resp.headers["content-type"].startswith(PROBLEM)
    assert client.post(f"{URL}/clear-done", headers=auth("bob")).json() == {"removed": 0}
    assert client.get(URL, headers=auth("bob")).json()["total"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"name": " "},
        {"name": "x", "quantity": "0"},
        {"name": "x", "unit": "12"},
        {"name": "x", "extra": 1},
        {},
    ],
)
def test_invalid_lines_are_422_problems(client, auth, body):
    resp = client.post(URL, json=body, headers=auth())
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith(PROBLEM)


def test_shopping_list_needs_a_user(client):
    assert client.get(URL).status_code == 401


def test_add_many_takes_plan_needs_and_merges_with_open_lines(services):
    with services.db.session() as session:
        user = get_or_create_user(session, "dev:anna")
        shopping = ShoppingListService(session, user.id)
        shopping.add("jajko", Decimal("2"))
        added = shopping.add_many(
            [
                {"name": "jajka", "quantity": Decimal("4"), "unit": "szt"},
                {"name": "ryż", "quantity": "100", "unit": "g"},
            ]
        )
        assert [(i.name, i.quantity, i.source) for i in added] == [
            ("jajko", Decimal("6.000"), "manual"),
            ("ryż", Decimal("100.000"), "meal_plan"),
        ]
        assert [i.name for i in shopping.find("ryżu")] == ["ryż"]


# --- spending -------------------------------------------------------------------------------------


def _receipt(session, user_id, merchant, day, total, lines, status="parsed"):
    receipt = Receipt(
        user_id=user_id,
        household_id=household_of(session, user_id),
        object_key=f"receipts/{user_id}/{merchant}-{day}-{total}-{status}",
        status=status,
        merchant=merchant,
        purchased_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=15),
        total=None if total is None else Decimal(total),
    )
    receipt.lines = [
        ReceiptLine(position=i, name_raw=name, name=name, total=Decimal(amount), category=category)
        for i, (name, amount, category) in enumerate(lines)
    ]
    session.add(receipt)


@pytest.fixture
def receipts(services):
    with services.db.session() as session:
        anna = get_or_create_user(session, "dev:anna").id
        bob = get_or_create_user(session, "dev:bob").id
        _receipt(
            session,
            anna,
            "Biedronka",
            date(2025, 1, 10),
            "12.48",
            [("Mleko", "3.49", "dairy"), ("Ser", "8.99", "dairy")],
        )
        # A coupon of -1.00 on the receipt level: total below the lines.
        _receipt(
            session,
            anna,
            "Lidl",
            date(2025, 1, 12),
            "5.00",
            [("Chleb", "4.00", "bakery"), ("Jabłka", "2.00", "fruit")],
        )
        _receipt(session, anna, "Lidl", date(2024, 12, 30), "99.00", [("Wino", "99.00", "alcohol")])
        _receipt(
            session,
            anna,
            "Żabka",
            date(2025, 1, 11),
            "7.00",
            [("Cola", "7.00", "beverages")],
            status="failed",
        )
        _receipt(session, bob, "Biedronka", date(2025, 1, 10), "1000.00", [("Kawior", "1000.00", "fish")])
    return anna, bob


def test_spending_sums_receipts_in_the_period_by_category_and_merchant(services, receipts):
    anna, _ = receipts
    with services.db.session() as session:
        result = spending(session, anna, date(2025, 1, 1), date(2025, 1, 31))
    assert result.total == Decimal("17.48")
    assert result.receipts == 2
    assert result.by_merchant == {"Biedronka": Decimal("12.48"), "Lidl": Decimal("5.00")}
    assert result.by_category == {
        "dairy": Decimal("12.48"),
        "bakery": Decimal("4.00"),
        "fruit": Decimal("2.00"),
        "adjustments": Decimal("-1.00"),
    }
    assert sum(result.by_category.values()) == result.total


def test_spending_on_one_category_counts_only_its_lines(services, receipts):
    anna, _ = receipts
    with services.db.session() as session:
        dairy = spending(session, anna, date(2025, 1, 1), date(2025, 1, 31), category="dairy")
        lidl = spending(session, anna, date(2024, 12, 1), date(2025, 1, 31), merchant="lidl")
    assert (dairy.total, dairy.receipts) == (Decimal("12.48"), 1)
    assert (lidl.total, lidl.receipts) == (Decimal("104.00"), 2)


def test_spending_route_defaults_to_the_last_30_days_and_is_per_user(client, auth, receipts):
    body = client.get("/v1/spending", headers=auth("anna")).json()
    assert (body["start"], body["end"], body["total"]) == ("2024-12-16", "2025-01-15", "116.48")
    assert client.get("/v1/spending?start=2025-01-01", headers=auth("bob")).json()["total"] == "1000.00"
    assert client.get("/v1/spending?start=2025-02-01&end=2025-01-01", headers=auth()).status_code == 422
    assert client.get("/v1/spending?category=caviar", headers=auth()).status_code == 422
