"""Content sniffing of uploads by magic bytes: only JPEG, PNG, WebP and PDF are receipts we accept."""

from __future__ import annotations

ALLOWED_MEDIA_TYPES: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp", "application/pdf")
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def sniff_media_type(data: bytes) -> str | None:
    """The media type of `data` judged by its first bytes, or None when it is none of the accepted four."""
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
    """True for UTF-8 text without control bytes (a receipt's text saved as a file)."""
    if not data or b"\x00" in data[:4096]:
        return False
    sample = data[:65536].decode("utf-8", errors="replace")
    if "\ufffd" in sample[:-2]:
        return False
    return all(c.isprintable() or c in "\r\n\t" for c in sample[:4096])
