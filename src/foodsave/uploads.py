"""Upload checks shared by receipts and documents: media type sniffed from the bytes, never trusted from the name."""

from __future__ import annotations

import unicodedata

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf",
              "text/plain": "txt", "text/markdown": "md"}  # fmt: skip


def sniff_binary(data: bytes) -> str | None:
    """JPEG, PNG, WebP or PDF judged by the first bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    # The PDF header may be preceded by a little junk (the spec allows it within the first 1024 bytes).
    if b"%PDF-" in data[:1024]:
        return "application/pdf"
    return None


def looks_like_text(data: bytes) -> bool:
    """UTF-8 text without NUL or other control bytes (a multi-byte character cut at the sample's end is fine)."""
    if not data or b"\x00" in data[:4096]:
        return False
    head = data[:65536]
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
        sample = head[: exc.start].decode("utf-8")
    return not any(unicodedata.category(c) == "Cc" and c not in "\r\n\t\f" for c in sample[:4096])


def sniff_media_type(data: bytes) -> str | None:
    """The media type the content really has (jpeg, png, webp, pdf, or UTF-8 text), else None."""
    return sniff_binary(data) or ("text/plain" if looks_like_text(data) else None)
