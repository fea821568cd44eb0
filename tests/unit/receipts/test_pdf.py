"""PDF receipts: text layer used directly; encrypted, scripted and long PDFs refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from devkit.receiptgen import text_pdf
from foodsave.errors import TooLarge, UnsupportedMedia
from foodsave.receipts.pdf import read_pdf

FIXTURE = Path(__file__).parents[2] / "fixtures" / "receipts" / "lidl_01.txt"


def image_pdf(pages: int) -> bytes:
    buf = io.BytesIO()
    imgs = [Image.new("RGB", (120, 200), "white") for _ in range(pages)]
    imgs[0].save(buf, "PDF", save_all=True, append_images=imgs[1:])
    return buf.getvalue()


def test_text_layer_is_used_when_present() -> None:
    content = read_pdf(text_pdf(FIXTURE.read_text()))
    assert content.text is not None and "SUMA PLN" in content.text
    assert content.images == []


def test_scanned_pdf_is_rendered_to_images() -> None:
    content = read_pdf(image_pdf(1))
    assert content.text is None and len(content.images) == 1


def test_fifty_page_pdf_is_too_large() -> None:
    with pytest.raises(TooLarge):
        read_pdf(image_pdf(50))


def test_pdf_with_javascript_is_refused() -> None:
    data = text_pdf("x" * 50).replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    with pytest.raises(UnsupportedMedia):
        read_pdf(data)


def test_encrypted_pdf_is_refused() -> None:
    data = text_pdf("x" * 50).replace(
        b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 >>"
    )
    with pytest.raises(UnsupportedMedia):
        read_pdf(data)
