"""Real Tesseract (pol) on generated receipt images: both adapters read them, the pipeline recovers totals."""

from __future__ import annotations

import random

import pytest

from devkit.receiptgen import RenderOptions, encode, generate_receipt, installed_fonts, render_receipt
from foodsave.errors import InvalidInput
from foodsave.receipts.ocr import PytesseractEngine, TesserocrEngine, engine_available, find_tessdata
from foodsave.receipts.pipeline import ReceiptPipeline

pytestmark = pytest.mark.tesseract

if not engine_available():
    pytest.skip("tesseract with the pol model is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def clean_receipt():  # type: ignore[no-untyped-def]
    fonts = [f for f in installed_fonts() if "DejaVuSansMono.ttf" in f] or installed_fonts()
    receipt = generate_receipt(random.Random(3), "biedronka")
    image = render_receipt(receipt, RenderOptions(font_path=fonts[0], font_size=26, jpeg_quality=None))
    return receipt, image


def test_tessdata_with_polish_model_is_found() -> None:
    assert find_tessdata() is not None


@pytest.mark.parametrize("engine_cls", [TesserocrEngine, PytesseractEngine])
def test_both_adapters_read_polish_receipt_text(engine_cls, clean_receipt) -> None:  # type: ignore[no-untyped-def]
    _, image = clean_receipt
    text = engine_cls().image_to_text(image.convert("L"))
    assert "PARAGON" in text.upper()
    assert "SUMA" in text.upper()


def test_pipeline_recovers_total_and_items_from_a_jpeg(clean_receipt) -> None:  # type: ignore[no-untyped-def]
    receipt, image = clean_receipt
    result = ReceiptPipeline().process(encode(image, "jpeg", 85))
    assert result.receipt.total == receipt.total
    assert result.receipt.merchant == "biedronka"
    assert [i.total for i in result.receipt.items] == [i.total for i in receipt.items]
    assert result.ocr_engine in ("tesserocr", "pytesseract")


def test_pipeline_reads_a_rotated_noisy_scan_in_a_pdf() -> None:
    fonts = installed_fonts()
    receipt = generate_receipt(random.Random(5), "lidl")
    opts = RenderOptions(font_path=fonts[0], font_size=26, rotation=1.5, noise=8.0, blur=0.5)
    result = ReceiptPipeline().process(encode(render_receipt(receipt, opts), "pdf"))
    assert result.receipt.total == receipt.total


def test_image_without_text_fails_with_a_reason() -> None:
    from PIL import Image

    blank = Image.new("L", (600, 900), 255)
    with pytest.raises(InvalidInput):
        ReceiptPipeline().process(encode(blank, "png"))


def test_upside_down_photo_is_read_in_the_right_orientation(clean_receipt) -> None:  # type: ignore[no-untyped-def]
    receipt, image = clean_receipt
    result = ReceiptPipeline().process(encode(image.rotate(180, expand=True), "png"))
    assert result.receipt.total == receipt.total


def test_shadowed_photo_is_flattened_and_read(clean_receipt) -> None:  # type: ignore[no-untyped-def]
    fonts = installed_fonts()
    receipt = generate_receipt(random.Random(8), "kaufland")
    image = render_receipt(receipt, RenderOptions(font_path=fonts[0], font_size=24, shadow=0.55))
    assert ReceiptPipeline().process(encode(image, "jpeg", 85)).receipt.total == receipt.total
