"""Review that repairs a receipt over HTTP (SQLite and PostgreSQL): open flags, confirming with or without
accepting them, adding, deleting and correcting lines and the receipt, deleting receipts, duplicates."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.receiptgen import text_pdf
from foodsave.db.models import Receipt
from tests.integration.receipts.test_handler_and_api import event_for, invoke_ocr

HEADER = "LIDL\nNIP 781-18-97-358\n2025-01-31 17:59\nPARAGON FISKALNY\n"
# SUMA and the card agree on 10,67; the items read add up to 7,68 (the butter line was lost).
SHORT = HEADER + "Mleko 2,69 C\nChleb 4,99 C\nSUMA PLN 10,67\nKarta platnicza 10,67\n"
CLEAN = HEADER + "Mleko 2,69 C\nChleb 4,99 C\nSUMA PLN 7,68\nKarta platnicza 7,68\n"


def upload(client, auth, services, text: str, user: str = "anna") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    files = {"file": ("r.pdf", text_pdf(text), "application/pdf")}
    receipt_id = client.post("/v1/receipts", files=files, headers=auth(user)).json()["receipt"]["id"]
    with services.db.session() as session:
        key = session.get(Receipt, receipt_id).object_key
    invoke_ocr(event_for(services, key))
    return dict(client.get(f"/v1/receipts/{receipt_id}", headers=auth(user)).json())


def test_receipt_that_does_not_add_up_is_in_review_with_its_flags(client, auth, services) -> None:
    receipt = upload(client, auth, services, SHORT)
    assert receipt["status"] == "needs_review"
    assert [f["code"] for f in receipt["flags"]] == ["items_sum"]


def test_confirming_a_flagged_receipt_without_accepting_is_a_409_listing_the_flags(
    client, auth, services
) -> None:
    receipt = upload(client, auth, services, SHORT)
    response = client.post(f"/v1/receipts/{receipt['id']}/confirm", headers=auth("anna"))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [f["code"] for f in response.json()["flags"]] == ["items_sum"]


def test_accepting_the_warnings_confirms_a_flagged_receipt(client, auth, services) -> None:
    receipt = upload(client, auth, services, SHORT)
    response = client.post(
        f"/v1/receipts/{receipt['id']}/confirm", json={"accept_warnings": True}, headers=auth("anna")
    )
    assert response.status_code == 200 and response.json()["receipt"]["status"] == "confirmed"


def test_adding_the_missing_line_settles_the_flag_and_confirms_plainly(client, auth, services) -> None:
    receipt = upload(client, auth, services, SHORT)
    added = client.post(
        f"/v1/receipts/{receipt['id']}/lines",
        json={"name": "Masło extra", "total": "2.99"},
        headers=auth("anna"),
    )
    assert added.status_code == 201 and added.json()["category"] == "dairy"
    repaired = client.get(f"/v1/receipts/{receipt['id']}", headers=auth("anna")).json()
    assert (repaired["status"], repaired["flags"]) == ("parsed", [])
    assert client.post(f"/v1/receipts/{receipt['id']}/confirm", headers=auth("anna")).status_code == 200


def test_changing_the_total_re_runs_the_sum_check(client, auth, services) -> None:
    receipt = upload(client, auth, services, SHORT)
    patched = client.patch(f"/v1/receipts/{receipt['id']}", json={"total": "7.68"}, headers=auth("anna"))
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["total"], patched.json()["flags"]) == (
        "parsed",
        "7.68",
        [],
    )


def test_deleting_a_wrong_line_re_runs_the_sum_check(client, auth, services) -> None:
    receipt = upload(
        client, auth, services, CLEAN.replace("SUMA PLN 7,68", "SUMA PLN 4,99").replace("7,68", "4,99")
    )
    assert receipt["status"] == "needs_review"
    milk = next(ln for ln in receipt["lines"] if ln["name_raw"] == "Mleko")
    deleted = client.delete(f"/v1/receipts/{receipt['id']}/lines/{milk['id']}", headers=auth("anna"))
    assert deleted.status_code == 204
    after = client.get(f"/v1/receipts/{receipt['id']}", headers=auth("anna")).json()
    assert (after["status"], [ln["name_raw"] for ln in after["lines"]]) == ("parsed", ["Chleb"])


def test_merchant_and_purchase_time_can_be_corrected(client, auth, services) -> None:
    receipt = upload(client, auth, services, CLEAN)
    body = {"merchant": "biedronka", "purchased_at": "2025-02-01T10:30:00Z"}
    patched = client.patch(f"/v1/receipts/{receipt['id']}", json=body, headers=auth("anna")).json()
    assert (patched["merchant"], patched["purchased_at"][:16]) == ("biedronka", "2025-02-01T10:30")


def test_a_second_copy_of_a_receipt_is_flagged_as_a_probable_duplicate(client, auth, services) -> None:
    first = upload(client, auth, services, CLEAN)
    second = upload(client, auth, services, CLEAN)
    assert first["status"] == "parsed" and second["status"] == "needs_review"
    (flag,) = second["flags"]
    assert (flag["code"], flag["receipt_id"]) == ("probable_duplicate", first["id"])


def test_the_same_receipt_of_another_user_is_no_duplicate(client, auth, services) -> None:
    upload(client, auth, services, CLEAN, user="anna")
    assert upload(client, auth, services, CLEAN, user="bob")["status"] == "parsed"


def test_deleting_an_unconfirmed_receipt_removes_it(client, auth, services) -> None:
    receipt = upload(client, auth, services, CLEAN)
    assert client.delete(f"/v1/receipts/{receipt['id']}", headers=auth("anna")).status_code == 204
    assert client.get(f"/v1/receipts/{receipt['id']}", headers=auth("anna")).status_code == 404


@pytest.mark.parametrize(("query", "left"), [("", 2), ("?delete_items=true", 0)])
def test_deleting_a_confirmed_receipt_keeps_its_pantry_items_unless_asked(  # type: ignore[no-untyped-def]
    client, auth, services, query: str, left: int
) -> None:
    receipt = upload(client, auth, services, CLEAN)
    client.post(f"/v1/receipts/{receipt['id']}/confirm", headers=auth("anna"))
    assert client.delete(f"/v1/receipts/{receipt['id']}{query}", headers=auth("anna")).status_code == 204
    assert client.get("/v1/pantry/items", headers=auth("anna")).json()["total"] == left


def test_another_users_receipt_answers_404_to_every_repair(client, auth, services) -> None:
    receipt = upload(client, auth, services, SHORT)
    rid, line = receipt["id"], receipt["lines"][0]["id"]
    bob = auth("bob")
    calls = [
        client.patch(f"/v1/receipts/{rid}", json={"total": "1.00"}, headers=bob),
        client.post(f"/v1/receipts/{rid}/lines", json={"name": "x", "total": "1.00"}, headers=bob),
        client.delete(f"/v1/receipts/{rid}/lines/{line}", headers=bob),
        client.delete(f"/v1/receipts/{rid}", headers=bob),
        client.post(f"/v1/receipts/{rid}/confirm", json={"accept_warnings": True}, headers=bob),
    ]
    assert [c.status_code for c in calls] == [404] * 5
    assert client.get(f"/v1/receipts/{rid}", headers=auth("anna")).json()["status"] == "needs_review"
