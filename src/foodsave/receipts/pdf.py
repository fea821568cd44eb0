"""PDF receipts: the text layer when the PDF has one, else rendered page images for OCR (pypdfium2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foodsave.errors import InvalidInput, TooLarge, UnsupportedMedia
from foodsave.pdf_safety import check_pdf_bytes, check_pdf_document

if TYPE_CHECKING:
    from PIL import Image

MAX_PAGES = 5
RENDER_DPI = 200
# Fewer visible characters than this on a page means "no usable text layer".
MIN_TEXT_CHARS = 40


@dataclass
class PdfContent:
    text: str | None = None
    images: list[Image.Image] = field(default_factory=list)
    pages: int = 0


def read_pdf(data: bytes, *, max_pages: int = MAX_PAGES, dpi: int = RENDER_DPI) -> PdfContent:
    """Text layer or rendered pages of a receipt PDF; refuses encrypted, scripted or long PDFs."""
    import pypdfium2 as pdfium

    check_pdf_bytes(data)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise UnsupportedMedia("password-protected PDFs are not accepted", code="pdf_encrypted") from exc
        raise InvalidInput(f"the PDF cannot be read ({exc})", code="damaged_pdf") from exc
    try:
        check_pdf_document(doc)
        pages = len(doc)
        if pages == 0:
            raise InvalidInput("the PDF has no pages", code="empty_pdf")
        if pages > max_pages:
            raise TooLarge(
                f"the PDF has {pages} pages; a receipt may have at most {max_pages}", code="pdf_too_long"
            )
        texts: list[str] = []
        for i in range(pages):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        joined = "\n".join(t.replace("\r\n", "\n").replace("\r", "\n") for t in texts)
        if len(re.sub(r"\s", "", joined)) >= MIN_TEXT_CHARS:
            return PdfContent(text=joined, pages=pages)
        images: list[Image.Image] = []
        for i in range(pages):
            page = doc[i]
            width, height = page.get_size()
            scale = dpi / 72
            if width * height * scale * scale > 40_000_000:
                scale = (40_000_000 / (width * height)) ** 0.5
            bitmap = page.render(scale=scale, grayscale=True)
            images.append(bitmap.to_pil())
            bitmap.close()
            page.close()
        return PdfContent(images=images, pages=pages)
    finally:
        doc.close()
