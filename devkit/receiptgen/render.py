"""Receipt text lines drawn like a thermal print (pinned font), degraded, and encoded as JPEG/PNG/WebP/PDF."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from devkit.receiptgen.classic import SynthReceipt

PINNED_FONT = Path(__file__).with_name("fonts") / "DejaVuSansMono.ttf"


def installed_fonts() -> list[str]:
    """Fonts fit for receipts: the pinned DejaVu Sans Mono shipped with the project first (so renders are the
    same on every machine), then installed sans and mono families with Polish glyphs."""
    pinned = [str(PINNED_FONT)] if PINNED_FONT.is_file() else []
    return pinned + [p for p in _system_fonts() if Path(p).name != PINNED_FONT.name]


def _system_fonts() -> list[str]:
    try:
        out = subprocess.run(  # noqa: S603 - fixed argument list, no user input
            [shutil.which("fc-list") or "/usr/bin/fc-list", ":lang=pl", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        paths = [line.split(":")[0].strip() for line in out.stdout.splitlines()]
    except (OSError, subprocess.SubprocessError):
        paths = []
    if not paths:
        paths = [str(p) for p in Path("/usr/share/fonts").rglob("*.ttf")]
    keep = []
    for p in sorted(set(paths)):
        low = p.lower()
        if not low.endswith((".ttf", ".otf")):
            continue
        if any(bad in low for bad in ("italic", "oblique", "math", "extralight", "symbol", "serif-bold")):
            continue
        keep.append(p)
    return keep


@dataclass
class RenderOptions:
    font_path: str
    font_size: int = 26
    blur: float = 0.0
    noise: float = 0.0
    rotation: float = 0.0
    jpeg_quality: int | None = 85
    scale: float = 1.0
    contrast: float = 1.0
    paper: int = 250
    shadow: float = 0.0  # darkest corner's brightness loss (0..1): uneven light of a phone photo


def render_receipt(r: SynthReceipt, opts: RenderOptions) -> Image.Image:
    """Draw the receipt like a thermal print: left text at the margin, amounts at the right edge."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(opts.font_path, opts.font_size)
    char_w = font.getlength("0")
    margin = int(char_w * 2)
    width_px = int(char_w * r.width) + 2 * margin
    line_h = int(opts.font_size * 1.35)
    height_px = line_h * (len(r.lines) + 4)
    img = Image.new("L", (width_px, height_px), opts.paper)
    draw = ImageDraw.Draw(img)
    ink = max(0, int(opts.paper * (1 - opts.contrast)))
    y = line_h * 2
    for left, right in r.lines:
        if right == "<center>":
            w = font.getlength(left)
            draw.text(((width_px - w) / 2, y), left, font=font, fill=ink)
        else:
            draw.text((margin, y), left, font=font, fill=ink)
            if right:
                w = font.getlength(right)
                draw.text((width_px - margin - w, y), right, font=font, fill=ink)
        y += line_h
    if opts.scale != 1.0:
        img = img.resize(
            (int(img.width * opts.scale), int(img.height * opts.scale)), Image.Resampling.BILINEAR
        )
    if opts.rotation:
        img = img.rotate(opts.rotation, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=opts.paper)
    if opts.blur:
        img = img.filter(ImageFilter.GaussianBlur(opts.blur))
    if opts.shadow:
        arr = np.asarray(img, dtype=np.float32)
        yy, xx = np.mgrid[0 : arr.shape[0], 0 : arr.shape[1]].astype(np.float32)
        angle = (opts.font_size * 37) % 360 * np.pi / 180
        ramp = xx / arr.shape[1] * np.cos(angle) + yy / arr.shape[0] * np.sin(angle)
        ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
        img = Image.fromarray(np.clip(arr * (1 - opts.shadow * ramp), 0, 255).astype(np.uint8))
    if opts.noise:
        arr = np.asarray(img, dtype=np.float32)
        seed = int(opts.noise * 1000) + img.width
        arr = arr + np.random.default_rng(seed).normal(0, opts.noise, arr.shape).astype(np.float32)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img


def random_render_options(rng: random.Random, fonts: list[str], degraded: bool = True) -> RenderOptions:
    return RenderOptions(
        font_path=rng.choice(fonts),
        font_size=rng.randint(20, 30),
        blur=rng.choice((0.0, 0.4, 0.7, 1.0)) if degraded else 0.0,
        noise=rng.choice((0.0, 6.0, 12.0, 18.0)) if degraded else 0.0,
        rotation=rng.uniform(-2.5, 2.5) if degraded else 0.0,
        jpeg_quality=rng.choice((None, 60, 75, 90)),
        scale=rng.choice((0.8, 1.0, 1.0, 1.3)),
        contrast=rng.choice((0.75, 0.9, 1.0)),
        paper=rng.choice((235, 245, 255)),
        shadow=rng.choice((0.0, 0.0, 0.3, 0.5)) if degraded else 0.0,
    )


def encode(img: Image.Image, kind: str, jpeg_quality: int = 85) -> bytes:
    """`jpeg`, `png`, `webp` or `pdf` (image-only PDF, so it goes through OCR)."""
    buf = io.BytesIO()
    if kind == "jpeg":
        img.convert("RGB").save(buf, "JPEG", quality=jpeg_quality)
    elif kind == "png":
        img.save(buf, "PNG")
    elif kind == "webp":
        img.save(buf, "WEBP", quality=jpeg_quality)
    elif kind == "pdf":
        img.convert("RGB").save(buf, "PDF", resolution=200.0)
    else:
        raise ValueError(kind)
    return buf.getvalue()


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds `text` (Courier, WinAnsi; letters outside cp1252 lose accents)."""
    import unicodedata

    def pdf_escape(line: str) -> str:
        out = []
        for ch in line:
            try:
                ch.encode("cp1252")
            except UnicodeEncodeError:
                ch = unicodedata.normalize("NFKD", ch.replace("ł", "l").replace("Ł", "L"))[0]
            out.append(ch)
        return "".join(out).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = text.splitlines()
    height = 40 + 12 * len(lines)
    ops = ["BT", "/F1 9 Tf", "11 TL", f"20 {height - 30} Td"]
    for line in lines:
        ops.append(f"({pdf_escape(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 {height}] /Contents 4 0 R "
        f"/Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
