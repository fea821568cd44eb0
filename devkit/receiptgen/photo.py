"""Phone photos of paper receipts: thermal fading and crumple shading on the slip, a cut-off bottom at
times, then the slip in perspective and slightly rotated on a patterned table in a 12-megapixel frame."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

FRAME = (3000, 4000)  # portrait 12 MP, as phones take receipts


@dataclass
class PhotoOptions:
    fill: float = 0.6  # slip height / frame height
    tilt: float = 0.0  # degrees
    perspective: float = 0.04  # how much nearer the bottom edge is than the top (fraction of width)
    crumples: int = 3
    fading: float = 0.3  # 0: crisp thermal print, 1: nearly gone
    cut_bottom: float = 0.0  # fraction of the slip lost below the frame
    background: str = "wood"  # wood | map
    jpeg_quality: int = 85


def random_photo_options(rng: random.Random) -> PhotoOptions:
    return PhotoOptions(
        fill=rng.uniform(0.45, 0.8),
        tilt=rng.uniform(-6, 6),
        perspective=rng.uniform(0.0, 0.08),
        crumples=rng.randint(0, 5),
        fading=rng.choice((0.0, 0.2, 0.35, 0.5)),
        cut_bottom=rng.choice((0.0, 0.0, 0.0, 0.03)),
        background=rng.choice(("wood", "map")),
        jpeg_quality=rng.choice((75, 85, 92)),
    )


def age_slip(slip: Image.Image, opts: PhotoOptions, rng: random.Random) -> Image.Image:
    """Thermal fading (weaker ink, uneven along the slip) and crumple shading across random folds."""
    import numpy as np
    from PIL import Image

    arr = np.asarray(slip.convert("L"), dtype=np.float32)
    h, w = arr.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    fade = opts.fading * (0.6 + 0.4 * np.sin(yy / h * np.pi * rng.uniform(1, 3) + rng.uniform(0, 6)))
    arr = 255 - (255 - arr) * (1 - fade)
    shade = np.ones_like(arr)
    for _ in range(opts.crumples):
        angle = rng.uniform(-0.6, 0.6)
        centre = rng.uniform(0.1, 0.9) * h
        dist = (yy - centre) * np.cos(angle) - (xx - w / 2) * np.sin(angle)
        side = np.where(dist > 0, rng.uniform(0.9, 0.98), 1.0)
        ridge = 1 - 0.12 * np.exp(-((dist / (h * 0.01)) ** 2))
        shade *= side * ridge
    return Image.fromarray(np.clip(arr * shade, 0, 255).astype(np.uint8))


def table(rng: random.Random, kind: str, size: tuple[int, int] = FRAME) -> Image.Image:
    """A busy background: wood grain, or a printed map with roads and coloured areas."""
    import numpy as np
    from PIL import Image, ImageDraw

    w, h = size
    if kind == "wood":
        small_w, small_h = w // 8, h // 8
        yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
        grain = np.sin(xx / rng.uniform(3, 7) + 4 * np.sin(yy / rng.uniform(30, 60))) * 0.5 + 0.5
        base = np.array([150, 105, 65], dtype=np.float32)
        rgb = base[None, None, :] * (0.7 + 0.3 * grain[..., None])
        return Image.fromarray(rgb.astype(np.uint8)).resize(size)
    img = Image.new("RGB", (w // 4, h // 4), (236, 232, 214))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        colour = rng.choice(((190, 220, 170), (170, 200, 235), (240, 210, 160)))
        draw.ellipse((x, y, x + rng.randint(40, 200), y + rng.randint(30, 150)), fill=colour)
    for _ in range(60):
        pts = [(rng.randrange(img.width), rng.randrange(img.height)) for _ in range(2)]
        draw.line(
            pts, fill=rng.choice(((250, 250, 250), (240, 180, 60), (120, 120, 120))), width=rng.randint(2, 6)
        )
    for _ in range(30):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        draw.text((x, y), rng.choice(("ul. Długa", "Rynek", "Park", "Wisła", "A4")), fill=(60, 60, 60))
    return img.resize(size)


def photograph(
    slip: Image.Image, opts: PhotoOptions, rng: random.Random, frame: tuple[int, int] = FRAME
) -> Image.Image:
    """The aged slip placed in perspective on the table, filling `opts.fill` of the frame height."""
    from PIL import Image

    aged = age_slip(slip, opts, rng)
    if opts.cut_bottom:
        aged = aged.crop((0, 0, aged.width, int(aged.height * (1 - opts.cut_bottom))))
    fw, fh = frame
    scale = opts.fill * fh / aged.height
    sw, sh = int(aged.width * scale), int(aged.height * scale)
    if sw > fw * 0.9:
        scale = fw * 0.9 / aged.width
        sw, sh = int(aged.width * scale), int(aged.height * scale)
    x0, y0 = (fw - sw) // 2 + rng.randint(-fw // 20, fw // 20), (fh - sh) // 2
    if opts.cut_bottom:
        y0 = fh - sh + int(sh * opts.cut_bottom)
    inset = opts.perspective * sw
    quad = [
        (x0 + inset, y0),
        (x0 - inset * 0.3, y0 + sh),
        (x0 + sw + inset * 0.3, y0 + sh),
        (x0 + sw - inset, y0),
    ]
    coeffs = _perspective_coeffs(quad, [(0, 0), (0, aged.height), (aged.width, aged.height), (aged.width, 0)])
    warped = aged.convert("RGB").transform(
        frame, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR
    )
    mask = Image.new("L", aged.size, 255).transform(
        frame, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR
    )
    photo = table(rng, opts.background, frame)
    photo.paste(warped, (0, 0), mask)
    photo = photo.rotate(opts.tilt, resample=Image.Resampling.BILINEAR, fillcolor=(90, 70, 50))
    return photo


def _perspective_coeffs(
    dst: Sequence[tuple[float, float]], src: Sequence[tuple[float, float]]
) -> list[float]:
    """PIL's eight coefficients mapping frame points `dst` back to slip points `src`."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for pt in src for c in pt], dtype=np.float64)
    return [float(c) for c in np.linalg.solve(a, b)]
