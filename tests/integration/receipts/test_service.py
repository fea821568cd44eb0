"""ReceiptService and ReceiptProcessor on a real database (SQLite and PostgreSQL) and the local object store."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from foodsave.db.models import OutboxEvent, PantryItem, Receipt, ReceiptLine
from foodsave.errors import Conflict, NotFound, UnsupportedMedia
from foodsave.receipts.service import ReceiptProcessor, ReceiptService


def upload(services, user_id: str, data: bytes, media: str = "application/pdf") -> str:  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        receipt, _ = ReceiptService(
            session, user_id, store=services.store, clock=services.clock
        ).create_upload_slot(media)
        key, receipt_id = receipt.object_key, receipt.id
    services.store.put(key, data, content_type=media)
    return receipt_id


def process(services, receipt_id: str):  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        key = session.get(Receipt, receipt_id).object_key
    info = services.store.head(key)
    return ReceiptProcessor(services.db, services.store, services.clock).process_object(
        services.store.bucket, key, info.etag, info.size
    )


def count(services, model, **where) -> int:  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        query = select(func.count()).select_from(model)
        for k, v in where.items():
            query = query.where(getattr(model, k) == v)
        return int(session.scalar(query) or 0)


def test_upload_slot_starts_a_pending_receipt_with_a_limited_presigned_post(services, make_user) -> None:
    user = make_user()
    with services.db.session() as session:
        receipt, slot = ReceiptService(
            session, user, store=services.store, clock=services.clock
        ).create_upload_slot("image/jpeg")
        assert receipt.status == "pending"
        assert receipt.object_key == f"uploads/receipts/{user}/{receipt.id}.jpg"
    assert slot.max_bytes == 10 * 1024 * 1024
    assert set(slot.content_types) == {"image/jpeg", "image/png", "image/webp", "application/pdf"}


def test_upload_slot_refuses_other_media_types(services, make_user) -> None:
    with services.db.session() as session, pytest.raises(UnsupportedMedia):
        ReceiptService(session, make_user(), store=services.store, clock=services.clock).create_upload_slot(
            "image/gif"
        )


def test_processing_stores_lines_totals_and_a_receipt_parsed_event(services, make_user, receipt_pdf) -> None:
    receipt_id = upload(services, make_user(), receipt_pdf)
    outcome = process(services, receipt_id)
    assert (outcome.outcome, outcome.status) == ("processed", "parsed")
    with services.db.session() as session:
        receipt = session.get(Receipt, receipt_id)
        assert receipt.merchant == "biedronka" and receipt.total == Decimal("49.57")
        assert receipt.purchased_at is not None and receipt.purchased_at.date() == date(2025, 1, 31)
        assert receipt.ocr_engine == "pdf-text" and "PARAGON" in receipt.raw_text
        assert "parse" in receipt.timings
        assert [ln.total for ln in receipt.lines][:2] == [Decimal("6.98"), Decimal("4.99")]
        events = session.scalars(select(OutboxEvent).where(OutboxEvent.type == "ReceiptParsed")).all()
        assert [e.payload["data"]["receipt_id"] for e in events] == [receipt_id]


def test_repeated_s3_event_is_a_duplicate_without_new_rows(services, make_user, receipt_pdf) -> None:
    receipt_id = upload(services, make_user(), receipt_pdf)
    process(services, receipt_id)
    lines = count(services, ReceiptLine)
    again = process(services, receipt_id)
    assert again.outcome == "duplicate"
    assert count(services, ReceiptLine) == lines
    assert count(services, Receipt) == 1
    assert count(services, OutboxEvent, type="ReceiptParsed") == 1


def test_event_for_a_key_without_a_slot_creates_one_receipt_only_once(
    services, make_user, receipt_pdf
) -> None:
    import uuid

    user = make_user()
    key = f"uploads/receipts/{user}/{uuid.uuid4()}.pdf"
    info = services.store.put(key, receipt_pdf, content_type="application/pdf")
    processor = ReceiptProcessor(services.db, services.store, services.clock)
    first = processor.process_object(services.store.bucket, key, info.etag, info.size)
    second = processor.process_object(services.store.bucket, key, info.etag, info.size)
    assert (first.outcome, second.outcome) == ("processed", "duplicate")
    assert count(services, Receipt) == 1


def test_a_new_version_of_the_object_is_processed_again_without_duplicate_lines(
    services, make_user, receipt_pdf
) -> None:
    from devkit.receiptgen import text_pdf
    from tests.integration.receipts.conftest import FIXTURES

    receipt_id = upload(services, make_user(), receipt_pdf)
    process(services, receipt_id)
    with services.db.session() as session:
        key = session.get(Receipt, receipt_id).object_key
    services.store.put(key, text_pdf((FIXTURES / "receipts" / "zabka_01.txt").read_text()), "application/pdf")
    assert process(services, receipt_id).outcome == "processed"
    assert count(services, ReceiptLine) == 5
    with services.db.session() as session:
        assert session.get(Receipt, receipt_id).merchant == "zabka"


def test_oversized_object_fails_before_ocr(services, make_user) -> None:
    receipt_id = upload(
        services, make_user(), b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 + 10), "image/jpeg"
    )
    outcome = process(services, receipt_id)
    assert outcome.status == "failed" and "limit" in outcome.reason


def _truncated_jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buf, "JPEG")
    return buf.getvalue()[:500]


def _long_pdf() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    pages = [Image.new("RGB", (100, 150), "white") for _ in range(50)]
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:])
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from devkit.receiptgen import text_pdf

    return text_pdf("x" * 60).replace(
        b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 >>"
    )


def _huge_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 10_000, 6_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("make_data", "media"),
    [
        (lambda: b"", "image/jpeg"),
        (lambda: b"just some text, not an image", "image/jpeg"),
        (_truncated_jpeg, "image/jpeg"),
        (_huge_png, "image/png"),
        (_long_pdf, "application/pdf"),
        (_encrypted_pdf, "application/pdf"),
    ],
    ids=["empty", "not-an-image", "truncated-jpeg", "60-megapixels", "50-page-pdf", "encrypted-pdf"],
)
def test_bad_input_ends_failed_with_a_reason_and_nothing_else_written(
    services, make_user, make_data, media
) -> None:
    receipt_id = upload(services, make_user(), make_data(), media)
    outcome = process(services, receipt_id)
    assert outcome.outcome == "failed"
    with services.db.session() as session:
        receipt = session.get(Receipt, receipt_id)
        assert receipt.status == "failed" and receipt.failure_reason
        assert receipt.lines == []
    assert count(services, OutboxEvent) == 0


def test_confirm_moves_food_lines_into_the_pantry_with_estimated_expiry(
    services, make_user, receipt_pdf
) -> None:
    user = make_user()
    receipt_id = upload(services, user, receipt_pdf)
    process(services, receipt_id)
    with services.db.session() as session:
        receipt, items = ReceiptService(session, user, clock=services.clock).confirm(receipt_id)
        assert receipt.status == "confirmed"
        names = sorted(i.name for i in items)
        assert "reklamówka" not in names  # a bag is not food
        assert len(items) == 7
        assert all(i.expiry_estimated and i.expires_at and i.expires_at > date(2025, 1, 31) for i in items)
        milk = next(i for i in items if i.name.startswith("mleko"))
        assert milk.expires_at == date(2025, 5, 1)  # UHT keeps ~90 days


def test_confirming_twice_returns_the_same_pantry_items(services, make_user, receipt_pdf) -> None:
    user = make_user()
    receipt_id = upload(services, user, receipt_pdf)
    process(services, receipt_id)
    with services.db.session() as session:
        _, first = ReceiptService(session, user, clock=services.clock).confirm(receipt_id)
        first_ids = [i.id for i in first]
    with services.db.session() as session:
        _, second = ReceiptService(session, user, clock=services.clock).confirm(receipt_id)
        assert [i.id for i in second] == first_ids
    assert count(services, PantryItem) == len(first_ids)


def test_patching_a_line_recategorises_a_renamed_product(services, make_user, receipt_pdf) -> None:
    user = make_user()
    receipt_id = upload(services, user, receipt_pdf)
    process(services, receipt_id)
    with services.db.session() as session:
        service = ReceiptService(session, user, clock=services.clock)
        line = service.get(receipt_id).lines[-1]
        patched = service.patch_line(receipt_id, line.id, {"name": "Ser Gouda plastry"})
        assert (patched.name, patched.category) == ("ser gouda plastry", "dairy")


def test_lines_of_a_confirmed_receipt_cannot_be_patched(services, make_user, receipt_pdf) -> None:
    user = make_user()
    receipt_id = upload(services, user, receipt_pdf)
    process(services, receipt_id)
    with services.db.session() as session:
        service = ReceiptService(session, user, clock=services.clock)
        service.confirm(receipt_id)
        with pytest.raises(Conflict):
            service.patch_line(receipt_id, service.get(receipt_id).lines[0].id, {"category": "other"})


def test_another_users_receipt_is_not_found(services, make_user, receipt_pdf) -> None:
    receipt_id = upload(services, make_user("anna"), receipt_pdf)
    with services.db.session() as session, pytest.raises(NotFound):
        ReceiptService(session, make_user("bob"), clock=services.clock).get(receipt_id)


def test_listing_is_paginated_and_scoped_to_the_user(services, make_user, receipt_pdf) -> None:
    anna, bob = make_user("anna"), make_user("bob")
    for _ in range(3):
        upload(services, anna, receipt_pdf)
    upload(services, bob, receipt_pdf)
    with services.db.session() as session:
        page, total = ReceiptService(session, anna, clock=services.clock).list(limit=2, offset=0)
        rest, _ = ReceiptService(session, anna, clock=services.clock).list(limit=2, offset=2)
    assert (len(page), len(rest), total) == (2, 1, 3)
