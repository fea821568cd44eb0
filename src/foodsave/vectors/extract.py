"""Plain text out of uploaded documents (txt, md, pdf), with the media type sniffed from the bytes."""

from __future__ import annotations

from foodsave.errors import InvalidInput, UnsupportedMedia
from foodsave.uploads import looks_like_text, sniff_binary

DOCUMENT_TYPES = {"text/plain": "txt", "text/markdown": "md", "application/pdf": "pdf"}


def sniff_media_type(data: bytes, filename: str | None = None) -> str:
    """application/pdf by magic number; otherwise UTF-8 text (markdown if the name says so)."""
    media = sniff_binary(data)
    if media == "application/pdf":
        return media
    if media is not None or b"\x00" in data[:4096]:
        raise UnsupportedMedia("only txt, md and pdf documents are supported (this looks binary)")
    if not looks_like_text(data):
        raise UnsupportedMedia("text documents must be UTF-8")
    if filename and filename.lower().endswith((".md", ".markdown")):
        return "text/markdown"
    return "text/plain"


def extract_text(data: bytes, media_type: str) -> str:
    """The document's text; raises InvalidInput when there is none (e.g. a scanned PDF without a text layer)."""
    if media_type == "application/pdf":
        text = _pdf_text(data)
        if not text.strip():
            raise InvalidInput("the PDF has no extractable text (scanned pages are not supported)")
        return text
    if media_type in ("text/plain", "text/markdown"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnsupportedMedia("text documents must be UTF-8") from exc
        if not text.strip():
            raise InvalidInput("the document is empty")
        return text
    raise UnsupportedMedia(f"unsupported document type {media_type}")


def _pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    from foodsave.pdf_safety import check_pdf_bytes, check_pdf_document

    check_pdf_bytes(data)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnsupportedMedia("password-protected PDFs are not accepted", code="pdf_encrypted") from exc
        raise InvalidInput(f"the PDF cannot be read: {exc}") from exc
    try:
        check_pdf_document(pdf)
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return "\n\n".join(p.replace("\r\n", "\n") for p in pages)
    finally:
        pdf.close()
