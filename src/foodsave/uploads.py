"""Upload checks shared by receipts and documents: media type sniffed from the bytes, never trusted from the name."""

from __future__ import annotations

SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"%PDF-", 0, "application/pdf"),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf",
              "text/plain": "txt", "text/markdown": "md"}  # fmt: skip


def sniff_media_type(data: bytes) -> str | None:
    """The media type the content really has (jpeg, png, webp, pdf, or UTF-8 text), else None."""
    head = data[:16]
    for magic, offset, media in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if data and b"\x00" not in data[:4096]:
        try:
            data[:65536].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < 65530:  # a cut multibyte character at the end is fine
                return None
        return "text/plain"
    return None
