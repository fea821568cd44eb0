"""Refuse PDFs that carry scripts, launch actions or encryption, however the names are spelled or packed."""

from __future__ import annotations

import re
import zlib
from typing import Any

from foodsave.errors import UnsupportedMedia

# Names are matched after undoing `#xx` escapes (`/J#61vaScript`), in the raw file and inside every
# Flate-compressed stream (object streams hide dictionaries there).
FORBIDDEN = re.compile(rb"/(JavaScript|JS|Launch|RichMedia)(?![A-Za-z0-9])")
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
MAX_INFLATED = 32 * 1024 * 1024


def _unescape(data: bytes) -> bytes:
    return ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _inflated_streams(data: bytes) -> list[bytes]:
    out, budget = [], MAX_INFLATED
    for match in STREAM.finditer(data):
        try:
            inflater = zlib.decompressobj()
            chunk = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        out.append(chunk)
        if budget <= 0:
            break
    return out


def check_pdf_bytes(data: bytes) -> None:
    """Raise UnsupportedMedia for scripted or encrypted PDFs (before any parser sees them)."""
    for part in (data, *_inflated_streams(data)):
        plain = _unescape(part)
        if FORBIDDEN.search(plain):
            raise UnsupportedMedia(
                "PDFs containing JavaScript or actions are not accepted", code="pdf_javascript"
            )
        if re.search(rb"/Encrypt(?![A-Za-z0-9])", plain):
            raise UnsupportedMedia("password-protected PDFs are not accepted", code="pdf_encrypted")


def check_pdf_document(doc: Any) -> None:
    """Second line: ask PDFium itself for document-level JavaScript actions."""
    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDFDoc_GetJavaScriptActionCount(doc) > 0:
        raise UnsupportedMedia("PDFs containing JavaScript are not accepted", code="pdf_javascript")
