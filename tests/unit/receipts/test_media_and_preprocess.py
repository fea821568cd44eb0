"""Uploads are sniffed by content, and bad images are refused with clear domain errors before any OCR."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from foodsave.errors import InvalidInput, TooLarge, UnsupportedMedia
from foodsave.receipts.media import sniff_media_type
from foodsave.receipts.preprocess import estimate_skew, load_image, prepare_for_ocr


def png_bytes(size: tuple[int, int] = (200, 100), color: int = 255) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(size: tuple[int, int] = (200, 100)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "JPEG")
    return buf.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A valid PNG whose header claims a huge size (the pixels are never there)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "media"),
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"GIF89a", None),
        (b"hello", None),
        (b"", None),
    ],
)
def test_media_type_is_sniffed_from_magic_bytes(data: bytes, media: str | None) -> None:
    assert sniff_media_type(data) == media


def test_empty_file_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        load_image(b"")


def test_text_file_is_unsupported_media() -> None:
    with pytest.raises(UnsupportedMedia):
        load_image(b"this is not an image")


def test_truncated_jpeg_is_invalid_input() -> None:
    data = jpeg_bytes((800, 600))
    with pytest.raises(InvalidInput):
        load_image(data[: len(data) // 3])


def test_sixty_megapixel_image_is_too_large_before_decoding() -> None:
    with pytest.raises(TooLarge):
        load_image(png_header_claiming(10_000, 6_000))


def test_decompression_bomb_is_too_large() -> None:
    with pytest.raises(TooLarge):
        load_image(png_header_claiming(40_000, 40_000))


def test_tiny_image_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        load_image(png_bytes((8, 8)))


def test_exif_orientation_is_applied() -> None:
    img = Image.new("RGB", (300, 100), "white")
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    assert load_image(buf.getvalue()).size == (100, 300)


def test_prepared_image_is_grayscale_and_readable_width() -> None:
    prepared = prepare_for_ocr(Image.open(io.BytesIO(png_bytes((300, 600)))))
    assert prepared.mode == "L"
    assert prepared.width >= 300


def test_skew_of_rotated_text_is_detected() -> None:
    from PIL import ImageDraw

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for y in range(40, 760, 30):
        draw.rectangle((40, y, 560, y + 10), fill=0)
    rotated = img.rotate(3, expand=True, fillcolor=255)
    assert abs(estimate_skew(rotated) + 3) <= 1.0
