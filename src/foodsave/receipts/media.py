"""Content sniffing of uploads by magic bytes: only JPEG, PNG, WebP and PDF are receipts we accept."""

from __future__ import annotations

from foodsave.uploads import looks_like_text
from foodsave.uploads import sniff_binary as sniff_media_type

ALLOWED_MEDIA_TYPES: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp", "application/pdf")
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}

__all__ = ["ALLOWED_MEDIA_TYPES", "EXTENSIONS", "looks_like_text", "sniff_media_type"]
