"""A receipt read carries an `ETag`; PATCH and confirm with a stale `If-Match` answer 412 and change nothing,
so a review done on one phone is not confirmed over corrections made on another."""

from __future__ import annotations

from tests.integration.receipts.test_review_api import CLEAN, SHORT, upload


def _read(client, auth, receipt_id: str):  # type: ignore[no-untyped-def]
    return client.get(f"/v1/receipts/{receipt_id}", headers=auth("anna"))


def test_receipt_patch_with_the_current_etag_applies_and_gives_a_new_etag(client, auth, services) -> None:
    receipt_id = upload(client, auth, services, SHORT)["id"]
    tag = _read(client, auth, receipt_id).headers["etag"]
    patched = client.patch(
        f"/v1/receipts/{receipt_id}", json={"total": "7.68"}, headers={**auth("anna"), "If-Match": tag}
    )
    assert (patched.status_code, patched.json()["total"]) == (200, "7.68")
    assert patched.headers["etag"] == _read(client, auth, receipt_id).headers["etag"] != tag


def test_receipt_patch_with_a_stale_etag_is_412_and_keeps_the_other_change(client, auth, services) -> None:
    receipt_id = upload(client, auth, services, SHORT)["id"]
    tag = _read(client, auth, receipt_id).headers["etag"]
    client.patch(f"/v1/receipts/{receipt_id}", json={"merchant": "Lidl Wola"}, headers=auth("anna"))
    stale = client.patch(
        f"/v1/receipts/{receipt_id}",
        json={"merchant": "Biedronka"},
        headers={**auth("anna"), "If-Match": tag},
    )
    assert stale.status_code == 412
    assert stale.json()["current"]["merchant"] == "Lidl Wola"
    assert _read(client, auth, receipt_id).json()["merchant"] == "Lidl Wola"


def test_confirm_with_a_stale_etag_is_412_and_leaves_the_receipt_unconfirmed(client, auth, services) -> None:
    receipt_id = upload(client, auth, services, CLEAN)["id"]
    tag = _read(client, auth, receipt_id).headers["etag"]
    client.post(
        f"/v1/receipts/{receipt_id}/lines",
        json={"name": "Masło extra", "total": "2.99"},
        headers=auth("anna"),
    )
    before = _read(client, auth, receipt_id).json()
    stale = client.post(f"/v1/receipts/{receipt_id}/confirm", headers={**auth("anna"), "If-Match": tag})
    assert stale.status_code == 412
    assert _read(client, auth, receipt_id).json() == before


def test_confirm_with_the_current_etag_confirms(client, auth, services) -> None:
    receipt_id = upload(client, auth, services, CLEAN)["id"]
    tag = _read(client, auth, receipt_id).headers["etag"]
    confirmed = client.post(f"/v1/receipts/{receipt_id}/confirm", headers={**auth("anna"), "If-Match": tag})
    assert (confirmed.status_code, confirmed.json()["receipt"]["status"]) == (200, "confirmed")
