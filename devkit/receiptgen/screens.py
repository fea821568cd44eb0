"""E-receipts as the shop apps deliver them: image-only PDFs (Biedronka's two pages, Kaufland's summary,
Auchan's white text on black) and Lidl Plus's tall phone screenshot with coloured promotion rows."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from devkit.receiptgen.classic import SynthReceipt

BOLD, PROMO = "\x01", "\x02"


def draw_pages(
    r: SynthReceipt,
    font_path: str,
    font_size: int,
    *,
    ink: tuple[int, int, int] = (0, 0, 0),
    paper: tuple[int, int, int] = (255, 255, 255),
    promo: tuple[int, int, int] = (220, 60, 20),
) -> list[Image.Image]:
    """One RGB image per page (pages split at a form feed); bold and promotion markers honoured."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, font_size)
    char_w = font.getlength("0")
    margin = int(char_w * 2)
    width_px = int(char_w * r.width) + 2 * margin
    line_h = int(font_size * 1.45)
    pages: list[list[tuple[str, str]]] = [[]]
    for left, right in r.lines:
        if left == "\f":
            pages.append([])
        else:
            pages[-1].append((left, right))
    images = []
    for lines in pages:
        img = Image.new("RGB", (width_px, line_h * (len(lines) + 4)), paper)
        draw = ImageDraw.Draw(img)
        y = line_h * 2
        for left, right in lines:
            bold = right.endswith(BOLD)
            colour = promo if right.endswith(PROMO) else ink
            right = right.rstrip(BOLD + PROMO)
            stroke = 1 if bold else 0
            if right == "<center>":
                draw.text(((width_px - font.getlength(left)) / 2, y), left, font=font, fill=ink)
            else:
                draw.text((margin, y), left, font=font, fill=colour, stroke_width=stroke, stroke_fill=colour)
                if right:
                    x = width_px - margin - font.getlength(right)
                    draw.text((x, y), right, font=font, fill=colour, stroke_width=stroke, stroke_fill=colour)
            y += line_h
        images.append(img)
    return images


def render_ereceipt(r: SynthReceipt, font_path: str) -> tuple[bytes, str]:
    """The file the app would hand over: (bytes, `pdf` or `png`)."""
    if r.style == "lidl_plus":
        (page,) = draw_pages(r, font_path, 34, ink=(30, 30, 30), paper=(246, 246, 246))
        buf = io.BytesIO()
        page.save(buf, "PNG")
        return buf.getvalue(), "png"
    if r.style == "auchan_app":
        pages = draw_pages(r, font_path, 24, ink=(255, 255, 255), paper=(0, 0, 0))
    else:
        pages = draw_pages(r, font_path, 24)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return buf.getvalue(), "pdf"
