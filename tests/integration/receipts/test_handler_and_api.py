"""The ocr Lambda handler on real-shaped S3 events, and the receipts HTTP API end to end (local app)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from foodsave.db.models import Receipt
from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.handlers import load_handler
from tests.integration.receipts.conftest import s3_event


def invoke_ocr(event):  # type: ignore[no-untyped-def]
    return load_handler("ocr")(event, LocalLambdaContext(function_name="foodsave-ocr"))


def event_for(services, key: str):  # type: ignore[no-untyped-def]
    info = services.store.head(key)
    return s3_event(services.store.bucket, key, info.etag, info.size)


def test_handler_processes_an_s3_event_and_ignores_foreign_keys(services, make_user, receipt_pdf) -> None:
    import uuid

    user = make_user()
    key = f"uploads/receipts/{user}/{uuid.uuid4()}.pdf"
    services.store.put(key, receipt_pdf, "application/pdf")
    services.store.put("uploads/other/x.pdf", receipt_pdf, "application/pdf")
    result = invoke_ocr(event_for(services, key))
    foreign = invoke_ocr(event_for(services, "uploads/other/x.pdf"))
    assert result["results"][0]["status"] == "parsed"
    assert foreign["results"][0]["outcome"] == "ignored"


def test_handler_never_raises_for_a_malformed_record(services) -> None:
    result = invoke_ocr({"Records": [{"s3": {"bucket": {}}}, {"nonsense": True}]})
    assert [r["outcome"] for r in result["results"]] == ["ignored", "ignored"]


def test_api_gives_an_upload_slot_for_json(client, auth) -> None:
    response = client.post("/v1/receipts", json={"content_type": "application/pdf"}, headers=auth("anna"))
    assert response.status_code == 201
    body = response.json()
    assert body["receipt"]["status"] == "pending"
    assert body["upload"]["key"].endswith(".pdf") and body["upload"]["max_bytes"] == 10 * 1024 * 1024


def test_api_refuses_an_unsupported_declared_type(client, auth) -> None:
    response = client.post("/v1/receipts", json={"content_type": "image/gif"}, headers=auth("anna"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_api_multipart_upload_then_review_and_confirm(client, auth, services, receipt_pdf) -> None:
    created = client.post(
        "/v1/receipts", files={"file": ("r.pdf", receipt_pdf, "application/pdf")}, headers=auth("anna")
    )
    assert created.status_code == 202
    receipt_id = created.json()["receipt"]["id"]
    with services.db.session() as session:
        key = session.get(Receipt, receipt_id).object_key
    invoke_ocr(event_for(services, key))

    got = client.get(f"/v1/receipts/{receipt_id}", headers=auth("anna")).json()
    assert got["status"] == "parsed" and got["total"] == "49.57" and len(got["lines"]) == 8
    bag = next(ln for ln in got["lines"] if ln["category"] == "household")
    patched = client.patch(
        f"/v1/receipts/{receipt_id}/lines/{got['lines'][0]['id']}",
        json={"quantity": "3"},
        headers=auth("anna"),
    )
    assert patched.status_code == 200 and Decimal(patched.json()["quantity"]) == 3

    confirmed = client.post(f"/v1/receipts/{receipt_id}/confirm", headers=auth("anna"))
    assert confirmed.status_code == 200
    items = confirmed.json()["pantry_items"]
    assert len(items) == 7 and bag["id"] not in [i["receipt_line_id"] for i in items]
    again = client.post(f"/v1/receipts/{receipt_id}/confirm", headers=auth("anna")).json()
    assert [i["id"] for i in again["pantry_items"]] == [i["id"] for i in items]


def test_api_refuses_a_non_receipt_multipart_file(client, auth) -> None:
    response = client.post(
        "/v1/receipts", files={"file": ("x.gif", b"GIF89a....", "image/gif")}, headers=auth("anna")
    )
    assert response.status_code == 415


def test_api_hides_another_users_receipt(client, auth) -> None:
    receipt_id = client.post("/v1/receipts", json={}, headers=auth("anna")).json()["receipt"]["id"]
    response = client.get(f"/v1/receipts/{receipt_id}", headers=auth("bob"))
    assert response.status_code == 404


def test_api_lists_receipts_with_pagination(client, auth) -> None:
    for _ in range(3):
        client.post("/v1/receipts", json={}, headers=auth("anna"))
    page = client.get("/v1/receipts?limit=2&offset=0", headers=auth("anna")).json()
    assert (len(page["items"]), page["total"], page["limit"]) == (2, 3, 2)


@pytest.mark.tesseract
def test_handler_reads_a_real_photo_with_tesseract(services, make_user) -> None:
    import random
    import uuid

    from devkit.receiptgen import (
        RenderOptions,
        encode,
        generate_receipt,
        installed_fonts,
        render_receipt,
    )

    synth = generate_receipt(random.Random(2), "kaufland")
    image = render_receipt(synth, RenderOptions(font_path=installed_fonts()[0], rotation=1.0, noise=6.0))
    user = make_user()
    key = f"uploads/receipts/{user}/{uuid.uuid4()}.jpg"
    services.store.put(key, encode(image, "jpeg", 80), "image/jpeg")
    result = invoke_ocr(event_for(services, key))
    with services.db.session() as session:
        receipt = session.get(Receipt, result["results"][0]["receipt_id"])
        assert receipt.total == synth.total and receipt.ocr_engine in ("tesserocr", "pytesseract")
