"""Document text extraction: sniffed types, PDF text via pdfium, empty and binary inputs refused."""

from __future__ import annotations

import pytest

from foodsave.errors import InvalidInput, UnsupportedMedia
from foodsave.vectors.extract import extract_text, sniff_media_type


def make_pdf(text: str | None) -> bytes:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(300, 300)
    if text is not None:
        font = raw.FPDFText_LoadStandardFont(pdf, b"Helvetica")
        obj = raw.FPDFPageObj_NewTextObj(pdf, b"Helvetica", 12.0)
        encoded = (text + "\x00").encode("utf-16-le")
        import ctypes

        buf = (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
        raw.FPDFText_SetText(obj, buf)
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 20, 150)
        raw.FPDFPage_InsertObject(page, obj)
        raw.FPDFPage_GenerateContent(page)
        del font
    import io

    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_pdf_text_is_extracted() -> None:
    data = make_pdf("Mleko w lodowce")
    assert sniff_media_type(data) == "application/pdf"
    assert "Mleko w lodowce" in extract_text(data, "application/pdf")


def test_a_pdf_without_text_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="no extractable text"):
        extract_text(make_pdf(None), "application/pdf")


def test_a_broken_pdf_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        extract_text(b"%PDF-1.7 broken", "application/pdf")


def test_markdown_is_recognised_by_name_and_text_decoded() -> None:
    assert sniff_media_type("# Tytuł".encode(), "notatki.md") == "text/markdown"
    assert extract_text("\ufeffZażółć".encode(), "text/plain") == "Zażółć"


def test_binary_data_is_unsupported() -> None:
    with pytest.raises(UnsupportedMedia):
        sniff_media_type(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_an_empty_text_document_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        extract_text(b"  \n", "text/plain")
