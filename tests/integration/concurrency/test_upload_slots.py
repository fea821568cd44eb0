"""An upload slot writes only while its receipt or document and its user exist and the file is still
awaited: after a delete, an erasure or processing it answers 404/409 and stores nothing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import receipt_jpeg
from tests.integration.concurrency.conftest import LiveServer

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _send(live: LiveServer, upload: dict, name: str, data: bytes, media: str):  # type: ignore[no-untyped-def]
    with live.client() as c:
        return c.post(upload["url"], data=upload["fields"], files={"file": (name, data, media)})


def _stored(live: LiveServer, prefix: str) -> list[str]:
    return live.runtime.services.store.list(prefix)


def test_a_document_slot_used_after_the_document_was_deleted_answers_404_and_stores_nothing(live):
    with live.client() as c:
        made = c.post("/v1/documents", json={"title": "notatki", "content_type": "text/plain"}).json()
        assert c.delete(f"/v1/documents/{made['document']['id']}").status_code == 202
    resp = _send(live, made["upload"], "n.txt", b"przepis na zupe", "text/plain")
    assert resp.status_code == 404
    assert _stored(live, "uploads/documents/") == []


def test_a_receipt_slot_used_after_the_account_was_erased_answers_404_and_stores_nothing(live):
    with live.client() as c:
        made = c.post("/v1/receipts", json={"content_type": "image/jpeg"}).json()
        assert c.delete("/v1/me").status_code == 204
    resp = _send(live, made["upload"], "r.jpg", receipt_jpeg(3), "image/jpeg")
    assert resp.status_code == 404
    assert _stored(live, "uploads/receipts/") == []


def test_a_receipt_slot_replayed_after_the_receipt_was_read_is_refused(live):
    with live.client() as c:
        made = c.post("/v1/receipts", json={"content_type": "image/jpeg"}).json()
    assert _send(live, made["upload"], "r.jpg", receipt_jpeg(4), "image/jpeg").status_code == 204
    assert live.runtime.wait_idle(120)
    replay = _send(live, made["upload"], "r.jpg", receipt_jpeg(5), "image/jpeg")
    assert replay.status_code == 409
    assert replay.headers["content-type"].startswith("application/problem+json")
