"""Real Tesseract on 12-MP phone photos of paper receipts (perspective, folds, patterned table): the
pipeline finds the paper and reads the receipt, or sends it to review; it never stores a wrong total as read."""

from __future__ import annotations

import pytest

from devkit.receiptgen import layout_dataset
from foodsave.receipts.ocr import engine_available
from foodsave.receipts.pipeline import ReceiptPipeline

pytestmark = [
    pytest.mark.tesseract,
    pytest.mark.skipif(not engine_available(), reason="no Tesseract with pol"),
]


@pytest.fixture(scope="module")
def photos():  # type: ignore[no-untyped-def]
    return layout_dataset(0, 3, seed=21)


def test_each_photo_is_read_right_or_flagged_for_review(photos) -> None:  # type: ignore[no-untyped-def]
    pipeline = ReceiptPipeline()
    for sample in photos:
        receipt = pipeline.process(sample.data).receipt
        right = (str(receipt.total), receipt.date and receipt.date.isoformat(), receipt.merchant) == (
            sample.truth["total"],
            sample.truth["date"],
            sample.truth["merchant"],
        )
        assert right or receipt.needs_review, sample.name


def test_the_paper_is_found_and_cropped_before_ocr(photos) -> None:  # type: ignore[no-untyped-def]
    result = ReceiptPipeline().process(photos[0].data)
    assert "paper" in result.timings


def test_a_blurred_photo_is_refused_or_flagged_with_advice_never_stored_as_read(photos) -> None:  # type: ignore[no-untyped-def]
    import io

    from PIL import Image, ImageFilter

    from foodsave.errors import InvalidInput

    blurred = io.BytesIO()
    Image.open(io.BytesIO(photos[1].data)).filter(ImageFilter.GaussianBlur(18)).save(blurred, "JPEG")
    try:
        receipt = ReceiptPipeline().process(blurred.getvalue()).receipt
    except InvalidInput as exc:
        assert "retake the photo" in exc.detail
        return
    assert receipt.needs_review
    assert any(f.code == "photo_hard_to_read" and "retake the photo" in f.message for f in receipt.flags)
