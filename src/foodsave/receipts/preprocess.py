"""Image loading and clean-up before OCR: refuse bad or oversized images, fix orientation, scale, deskew."""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

from foodsave.errors import InvalidInput, TooLarge, UnsupportedMedia
from foodsave.observability import logger
from foodsave.receipts.media import sniff_media_type

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 40_000_000
# Longest side handed to Tesseract: receipt text stays well above 20 px per line at this size.
TARGET_MAX_SIDE = 2600
MIN_WIDTH = 900
# Height of a text line's ink after scaling; measured on the synthetic benchmark (see benchmarks/receipts.py).
TARGET_LINE_PX = 26
NOISE_THRESHOLD = 5.5
# Line heights within this band of the target are left as they are.
LINE_PX_BAND = (0.8, 1.6)
ILLUMINATION_THRESHOLD = 15.0
# A page darker than this on average is light text on a dark background.
DARK_MEAN = 100.0


def load_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode an uploaded image safely: size checked from the header before any pixel is decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise InvalidInput("the file is empty", code="empty_file")
    media = sniff_media_type(data)
    if media is None or media == "application/pdf":
        raise UnsupportedMedia("the file is not a JPEG, PNG or WebP image", code="not_an_image")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img: Image.Image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise TooLarge(f"the image is too large to process ({exc})", code="image_too_large") from exc
        except UnidentifiedImageError as exc:
            raise UnsupportedMedia("the image cannot be decoded", code="not_an_image") from exc
        width, height = img.size
        if width * height > max_pixels:
            raise TooLarge(
                f"the image has {width * height / 1e6:.0f} megapixels; the limit is {max_pixels / 1e6:.0f}",
                code="image_too_large",
            )
        if width < 16 or height < 16:
            raise InvalidInput("the image is too small to hold a receipt", code="image_too_small")
        if img.format == "JPEG" and max(width, height) > TARGET_MAX_SIDE * 1.5:
            # Decode big JPEGs at a reduced scale: saves memory and time, the text stays readable.
            scale = max(width, height) / TARGET_MAX_SIDE
            img.draft("L", (int(width / scale), int(height / scale)))
        try:
            img.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise InvalidInput(f"the image is damaged or truncated ({exc})", code="damaged_image") from exc
        except Image.DecompressionBombError as exc:
            raise TooLarge(str(exc), code="image_too_large") from exc
    try:
        img = ImageOps.exif_transpose(img) or img
    except Exception as exc:  # noqa: BLE001 - a broken EXIF block must not fail the receipt
        logger.info("EXIF orientation ignored", extra={"error": str(exc)})
    return img


def prepare_for_ocr(
    img: Image.Image,
    *,
    deskew: bool = True,
    target_line_px: int | None = None,
    denoise: str = "auto",
    flatten: str = "auto",
) -> Image.Image:
    """Grayscale (dark-background receipts inverted), straighten small rotations, scale so text lines have
    the height Tesseract reads best."""
    import numpy as np
    from PIL import Image, ImageOps

    if img.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", img.size, "white")
        rgba = img.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        img = background
    gray = img.convert("L")
    if float(np.asarray(gray.reduce(8) if min(gray.size) > 64 else gray).mean()) < DARK_MEAN:
        gray = ImageOps.invert(gray)  # light text on a dark e-receipt
    width, height = gray.size
    longest = max(width, height)
    if longest > TARGET_MAX_SIDE:
        scale = TARGET_MAX_SIDE / longest
        gray = gray.resize(
            (max(1, int(width * scale)), max(1, int(height * scale))), Image.Resampling.LANCZOS
        )
    if denoise == "always" or (denoise == "auto" and noise_level(gray) > NOISE_THRESHOLD):
        gray = median3(gray)
    if flatten == "always" or (flatten == "auto" and illumination_spread(gray) > ILLUMINATION_THRESHOLD):
        gray = flatten_illumination(gray)
    gray = ImageOps.autocontrast(gray, cutoff=1)
    if deskew:
        angle = estimate_skew(gray)
        if abs(angle) >= 0.4:
            gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    target_line_px = target_line_px or TARGET_LINE_PX
    line_px = estimate_line_height(gray)
    if line_px:
        # Only rescale text that is too small to read or needlessly large (OCR time grows with pixels).
        low, high = target_line_px * LINE_PX_BAND[0], target_line_px * LINE_PX_BAND[1]
        scale = 1.0 if low <= line_px <= high else max(0.5, min(3.0, target_line_px / line_px))
        if abs(scale - 1) > 0.15 and max(gray.size) * scale <= TARGET_MAX_SIDE * 1.6:
            gray = gray.resize(
                (max(1, int(gray.width * scale)), max(1, int(gray.height * scale))), Image.Resampling.BICUBIC
            )
    elif gray.width < MIN_WIDTH:
        scale = min(3.0, MIN_WIDTH / gray.width)
        gray = gray.resize((int(gray.width * scale), int(gray.height * scale)), Image.Resampling.BICUBIC)
    return gray


def _background(gray: Image.Image, max_side: int = 200) -> Image.Image:
    """The paper's brightness without the text, at low resolution: block maximum (drops dark strokes), blur."""
    import numpy as np
    from PIL import Image, ImageFilter

    arr = np.asarray(gray, dtype=np.uint8)
    block = max(4, max(arr.shape) // max_side)
    h, w = arr.shape[0] // block, arr.shape[1] // block
    if h < 2 or w < 2:
        return gray
    maxed = arr[: h * block, : w * block].reshape(h, block, w, block).max(axis=(1, 3))
    return Image.fromarray(maxed).filter(ImageFilter.GaussianBlur(2))


def illumination_spread(gray: Image.Image) -> float:
    """Spread (5th..95th percentile) of the background brightness: large under shadows or uneven light."""
    import numpy as np

    from foodsave.receipts.order_stats import percentiles

    bg = np.asarray(_background(gray), dtype=np.float32)
    lo, hi = percentiles(bg, [5, 95])
    return hi - lo


def flatten_illumination(gray: Image.Image) -> Image.Image:
    """Divide by the estimated background so shadows and gradients become white paper."""
    import numpy as np
    from PIL import Image

    bg_img = _background(gray).resize(gray.size, Image.Resampling.BILINEAR)
    arr = np.asarray(gray, dtype=np.float32)
    bg = np.maximum(np.asarray(bg_img, dtype=np.float32), 1.0)
    out = np.clip(arr * (255.0 / bg), 0, 255).astype(np.uint8)
    return Image.fromarray(out)


def median3(gray: Image.Image) -> Image.Image:
    """3x3 median filter in numpy (several times faster than PIL's rank filter on large images)."""
    import numpy as np
    from PIL import Image

    arr = np.asarray(gray, dtype=np.uint8)
    padded = np.pad(arr, 1, mode="edge")
    h, w = arr.shape
    stack = np.stack([padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)])
    stack.sort(axis=0)
    return Image.fromarray(np.ascontiguousarray(stack[4]))


def noise_level(gray: Image.Image) -> float:
    """Mean absolute difference between a central crop and its median-filtered self (grain, not text)."""
    import numpy as np
    from PIL import ImageFilter

    w, h = gray.size
    side = 384
    box = (max(0, (w - side) // 2), max(0, (h - side) // 2), min(w, (w + side) // 2), min(h, (h + side) // 2))
    crop = gray.crop(box)
    a = np.asarray(crop, dtype=np.int16)
    b = np.asarray(crop.filter(ImageFilter.MedianFilter(3)), dtype=np.int16)
    return float(np.abs(a - b).mean())


def estimate_line_height(gray: Image.Image) -> float | None:
    """Median height (px) of the ink rows of text lines, from the horizontal projection profile."""
    import numpy as np

    from foodsave.receipts.order_stats import median

    arr = np.asarray(gray, dtype=np.uint8)
    threshold = arr.mean() - arr.std() * 0.5
    ink_rows = (arr < threshold).mean(axis=1) > 0.004
    runs: list[int] = []
    count = 0
    for value in ink_rows:
        if value:
            count += 1
        elif count:
            runs.append(count)
            count = 0
    runs = [r for r in runs if r >= 4]
    if len(runs) < 5:
        return None
    return median(runs)


def estimate_skew(gray: Image.Image, *, max_angle: float = 10.0, step: float = 1.0) -> float:
    """The rotation (degrees) that makes text rows horizontal, by maximising the row-profile variance."""
    import numpy as np
    from PIL import Image

    small = gray
    if max(gray.size) > 700:
        scale = 700 / max(gray.size)
        small = gray.resize(
            (max(1, int(gray.width * scale)), max(1, int(gray.height * scale))), Image.Resampling.BILINEAR
        )
    arr = np.asarray(small, dtype=np.uint8)
    threshold = arr.mean() - arr.std() * 0.5
    ink = Image.fromarray(((arr < threshold) * 255).astype(np.uint8))
    if np.count_nonzero(np.asarray(ink)) < 50:
        return 0.0

    def score(angle: float) -> float:
        rotated = np.asarray(
            ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False), dtype=np.float32
        )
        profile = rotated.sum(axis=1)
        return float(np.var(profile))

    base = score(0.0)
    best_angle, best_score = 0.0, base
    angle = -max_angle
    while angle <= max_angle + 1e-9:
        if angle != 0.0:
            s = score(angle)
            if s > best_score:
                best_angle, best_score = angle, s
        angle += step
    # Refine around the coarse optimum.
    for delta in (0.5, 0.25):
        centre = best_angle
        for candidate in (centre - delta, centre + delta):
            s = score(candidate)
            if s > best_score:
                best_angle, best_score = candidate, s
    if best_score < base * 1.05:
        return 0.0
    return best_angle
