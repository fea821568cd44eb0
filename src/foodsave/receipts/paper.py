"""Find the receipt in a phone photo and make it look like a scan: locate the paper (the largest bright,
colourless region), undo perspective and rotation by mapping its four corners to a rectangle, crop the
table away, flatten the shading of folds, and binarise with Sauvola's local thresholds (NumPy and Pillow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

Corners = list[tuple[float, float]]  # top-left, bottom-left, bottom-right, top-right
ANALYSIS_SIDE = 160
# The paper must cover this share of the frame to be trusted, and leave this much background to be worth a crop.
MIN_PAPER_SHARE, MAX_PAPER_SHARE = 0.08, 0.85
# The region must fill its quadrilateral this well; otherwise it is not one sheet of paper.
MIN_QUAD_FILL = 0.8
# Thermal paper is grey to white; wood, maps and tablecloths have colour (HSV saturation 0..255).
PAPER_MAX_SATURATION = 18


def colour_thumbnail(data: bytes, side: int = ANALYSIS_SIDE) -> Image.Image | None:
    """A small RGB copy of an uploaded photo, decoded at 1/8 scale for JPEGs (fast), EXIF orientation applied:
    the paper is told from the table by colour, which the grayscale OCR decode no longer has."""
    import io

    from PIL import Image, ImageOps

    try:
        img: Image.Image = Image.open(io.BytesIO(data))
        if getattr(img, "format", None) == "JPEG":
            img.draft("RGB", (img.width // 8, img.height // 8))
        img.load()
        img = ImageOps.exif_transpose(img) or img
    except Exception:  # noqa: BLE001 - no thumbnail only means no paper search
        return None
    img = img.convert("RGB")
    factor = max(1, round(max(img.size) / side))
    return img.reduce(factor) if factor > 1 else img


def find_paper(image: Image.Image, thumbnail: Image.Image | None = None) -> Corners | None:
    """The corners of the receipt in `image` (full-resolution coordinates), found on `thumbnail` (a small
    colour copy) when given; None when there is no clear sheet on a background (a scan or an app screenshot,
    which need no crop)."""
    import numpy as np

    if thumbnail is None:
        factor = max(1, round(max(image.size) / ANALYSIS_SIDE))
        thumbnail = image.reduce(factor).convert("RGB")
    scale = thumbnail.width / image.width
    region = _largest_region(_paper_mask(thumbnail))
    if region is None or not MIN_PAPER_SHARE <= region.mean() <= MAX_PAPER_SHARE:
        return None
    touching = sum(bool(edge.any()) for edge in (region[0], region[-1], region[:, 0], region[:, -1]))
    if touching >= 3:
        return None  # a scan, or paper with a shadow on it: no table around it to crop
    ys, xs = np.nonzero(region)
    s, d = xs + ys, xs - ys
    corners = [(xs[s.argmin()], ys[s.argmin()]), (xs[d.argmin()], ys[d.argmin()])]
    corners += [(xs[s.argmax()], ys[s.argmax()]), (xs[d.argmax()], ys[d.argmax()])]
    if _row_filled_area(region) / max(_quad_area(corners), 1.0) < MIN_QUAD_FILL:
        return None
    return [(float(x) / scale, float(y) / scale) for x, y in corners]


def _paper_mask(small: Image.Image) -> np.ndarray:
    """Colourless, bright pixels (thermal paper, shaded or not); opened to drop thin white lines of a
    printed background, closed over the text."""
    import numpy as np
    from PIL import Image, ImageFilter

    from foodsave.receipts.order_stats import percentiles

    hsv = np.asarray(small.convert("HSV"), dtype=np.int16)
    value, saturation = hsv[..., 2], hsv[..., 1]
    bright = value > max(100.0, 0.55 * percentiles(value, [95])[0])
    mask = Image.fromarray(((bright & (saturation < PAPER_MAX_SATURATION)) * 255).astype(np.uint8))
    mask = mask.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))
    mask = mask.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.MinFilter(5))
    return np.asarray(mask) > 0


def _largest_region(mask: np.ndarray) -> np.ndarray | None:
    """The largest 4-connected region of the mask (flood fills in Pillow's C code, one per region)."""
    import numpy as np
    from PIL import Image, ImageDraw

    labels = Image.fromarray((mask * 255).astype(np.uint8)).copy()  # a copy Pillow owns and can fill
    label = 0
    step = max(2, min(mask.shape) // 40)
    for y in range(0, mask.shape[0], step):
        for x in range(0, mask.shape[1], step):
            if labels.getpixel((x, y)) == 255 and label < 254:
                label += 1
                ImageDraw.floodfill(labels, (x, y), label)
    if label == 0:
        return None
    arr = np.asarray(labels)
    counts = np.bincount(arr.ravel(), minlength=256)[1 : label + 1]
    return np.asarray(arr == int(counts.argmax()) + 1)


def _row_filled_area(region: np.ndarray) -> int:
    """The region's area with holes (text, stains) filled row by row: first to last pixel of each row."""
    import numpy as np

    rows = region.any(axis=1)
    first = region.argmax(axis=1)
    last = region.shape[1] - 1 - region[:, ::-1].argmax(axis=1)
    return int(np.where(rows, last - first + 1, 0).sum())


def _quad_area(c: Corners) -> float:
    """Shoelace area of the quadrilateral."""
    return abs(sum(c[i][0] * c[(i + 1) % 4][1] - c[(i + 1) % 4][0] * c[i][1] for i in range(4))) / 2


def unwarp(gray: Image.Image, corners: Corners, max_side: int | None = None) -> Image.Image:
    """Map the paper's quadrilateral onto an upright rectangle (perspective and rotation undone, table
    cropped), no longer than `max_side` pixels."""
    import math

    from PIL import Image

    c = corners
    width = (math.dist(c[0], c[3]) + math.dist(c[1], c[2])) / 2
    height = (math.dist(c[0], c[1]) + math.dist(c[3], c[2])) / 2
    shrink = min(1.0, max_side / max(width, height)) if max_side else 1.0
    width, height = max(1, int(width * shrink)), max(1, int(height * shrink))
    target = [(0.0, 0.0), (0.0, float(height)), (float(width), float(height)), (float(width), 0.0)]
    coeffs = perspective_coeffs(target, c)
    return gray.transform((width, height), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)


def perspective_coeffs(dst: Corners, src: Corners) -> list[float]:
    """Pillow's eight coefficients that map output points `dst` to input points `src`."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    b = np.array([coord for point in src for coord in point], dtype=np.float64)
    return [float(v) for v in np.linalg.solve(np.array(rows, dtype=np.float64), b)]


def sauvola(gray: Image.Image, window: int = 41, k: float = 0.2, r: float = 128.0) -> Image.Image:
    """Binarise with Sauvola's threshold m * (1 + k (s / r - 1)) over local windows; the statistics are
    taken on a 4x smaller image (they vary slowly) to keep memory and time low on 12-MP photos."""
    import numpy as np
    from PIL import Image

    factor = 4
    small = np.asarray(gray.reduce(factor), dtype=np.float64)
    half = max(1, window // factor // 2)
    mean = _box_mean(small, half)
    std = np.sqrt(np.maximum(_box_mean(small * small, half) - mean * mean, 0))
    threshold = (mean * (1 + k * (std / r - 1))).astype(np.float32)
    full = np.asarray(Image.fromarray(threshold, mode="F").resize(gray.size, Image.Resampling.BILINEAR))
    return Image.fromarray(((np.asarray(gray, dtype=np.float32) > full) * 255).astype(np.uint8))


def _box_mean(arr: np.ndarray, half: int) -> np.ndarray:
    """Mean over a (2*half+1)^2 window with edge padding, via a summed-area table."""
    import numpy as np

    padded = np.pad(arr, half + 1, mode="edge")
    sat = padded.cumsum(0).cumsum(1)
    size = 2 * half + 1
    h, w = arr.shape
    total = (
        sat[size : size + h, size : size + w]
        - sat[:h, size : size + w]
        - sat[size : size + h, :w]
        + sat[:h, :w]
    )
    return np.asarray(total / (size * size))
