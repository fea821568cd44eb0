"""Finding the receipt in a photo: the paper's corners, the upright crop, and local (Sauvola) binarisation."""

from __future__ import annotations

import io
import math
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from foodsave.receipts.paper import colour_thumbnail, find_paper, sauvola, unwarp

QUAD = [(620.0, 300.0), (480.0, 2500.0), (1620.0, 2580.0), (1700.0, 360.0)]  # TL, BL, BR, TR


def table_photo(quad: list[tuple[float, float]] = QUAD, size: tuple[int, int] = (2200, 2900)) -> Image.Image:
    """A white sheet with dark text rows and a shadowed half, on a wood-coloured, striped table."""
    img = Image.new("RGB", size, (150, 100, 60))
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 60):
        draw.line([(x, 0), (x + 300, size[1])], fill=(120, 80, 45), width=14)
    draw.polygon(quad, fill=(245, 245, 245))
    (x0, y0), (_, y1) = quad[0], quad[1]
    for y in range(int(y0) + 120, int(y1) - 120, 70):
        draw.rectangle((x0 + 60, y, x0 + 600, y + 30), fill=(30, 30, 30))
    shade = Image.new("RGB", size, (0, 0, 0))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle((0, size[1] // 2, size[0], size[1]), fill=60)
    img.paste(shade, (0, 0), mask)
    return img


def jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_paper_corners_are_found_on_a_patterned_table() -> None:
    photo = table_photo()
    corners = find_paper(photo.convert("L"), colour_thumbnail(jpeg(photo)))
    assert corners is not None
    for (x, y), (ex, ey) in zip(corners, QUAD, strict=True):
        assert math.dist((x, y), (ex, ey)) < 0.03 * photo.height


def test_a_flat_scan_without_background_has_no_paper_to_find() -> None:
    scan = Image.new("RGB", (900, 2400), (250, 250, 250))
    ImageDraw.Draw(scan).rectangle((60, 100, 700, 140), fill=(20, 20, 20))
    assert find_paper(scan.convert("L"), colour_thumbnail(jpeg(scan))) is None


def test_unwarp_maps_the_quadrilateral_to_an_upright_rectangle() -> None:
    photo = table_photo().convert("L")
    sheet = unwarp(photo, QUAD, max_side=1500)
    assert max(sheet.size) <= 1500 and sheet.height > 1.5 * sheet.width
    # The table is gone: the crop's border is paper, not wood.
    arr = np.asarray(sheet, dtype=np.float32)
    assert arr[5:40, 5:-5].mean() > 200


@pytest.mark.parametrize("light", [255, 150])
def test_sauvola_keeps_text_black_and_paper_white_in_light_and_shadow(light: int) -> None:
    rng = random.Random(3)
    page = Image.new("L", (600, 400), light)
    draw = ImageDraw.Draw(page)
    for y in range(40, 360, 40):
        draw.rectangle((40, y, 40 + rng.randint(200, 500), y + 12), fill=int(light * 0.35))
    binary = np.asarray(sauvola(page, window=51))
    assert set(np.unique(binary)) <= {0, 255}
    assert binary[40:52, 45:200].mean() < 30  # text
    assert binary[20:35, 45:560].mean() > 225  # paper between rows


def test_light_text_on_a_dark_e_receipt_is_inverted_before_ocr() -> None:
    from foodsave.receipts.preprocess import prepare_for_ocr

    page = Image.new("L", (900, 1200), 0)
    draw = ImageDraw.Draw(page)
    for y in range(60, 1100, 50):
        draw.rectangle((60, y, 700, y + 14), fill=255)
    prepared = np.asarray(prepare_for_ocr(page, deskew=False))
    assert prepared.mean() > 128
