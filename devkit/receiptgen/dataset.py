"""Labelled datasets of classic-layout receipt files, deterministic for a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devkit.receiptgen.catalog import HEADERS
from devkit.receiptgen.classic import generate_receipt
from devkit.receiptgen.render import encode, installed_fonts, random_render_options, render_receipt


@dataclass
class SynthSample:
    name: str
    data: bytes
    kind: str
    truth: dict[str, Any]
    text: str


def generate_dataset(n: int, seed: int = 7, degraded: bool = True) -> list[SynthSample]:
    """`n` labelled receipt files (mostly JPEG, some PNG and PDF), deterministic for a seed."""
    rng = random.Random(seed)
    fonts = installed_fonts()
    if not fonts:
        raise RuntimeError("no TrueType fonts installed (apt-get install fonts-dejavu-core fonts-liberation)")
    samples = []
    merchants = list(HEADERS)
    for k in range(n):
        receipt = generate_receipt(rng, merchants[k % len(merchants)])
        opts = random_render_options(rng, fonts, degraded)
        img = render_receipt(receipt, opts)
        kind = rng.choice(("jpeg", "jpeg", "jpeg", "png", "pdf"))
        data = encode(img, kind, opts.jpeg_quality or 85)
        truth = receipt.truth() | {"font": Path(opts.font_path).name, "kind": kind, "style": receipt.style}
        samples.append(
            SynthSample(
                f"receipt_{k:03d}.{'jpg' if kind == 'jpeg' else kind}", data, kind, truth, receipt.text()
            )
        )
    return samples


def layout_dataset(n_ereceipts: int, n_photos: int, seed: int = 12) -> list[SynthSample]:
    """E-receipt files of the four shop apps and 12-MP phone photos of the paper layouts, round robin."""
    from devkit.receiptgen import chains, photo, screens
    from devkit.receiptgen.render import PINNED_FONT, RenderOptions, render_receipt

    rng = random.Random(seed)
    font = str(PINNED_FONT)
    samples = []
    apps, papers = sorted(chains.E_RECEIPTS), sorted(chains.PAPER)
    for k in range(n_ereceipts):
        layout = apps[k % len(apps)]
        receipt = chains.E_RECEIPTS[layout](rng)
        data, kind = screens.render_ereceipt(receipt, font)
        truth = receipt.truth() | {"layout": layout, "kind": "e-receipt", "file_kind": kind}
        samples.append(SynthSample(f"ereceipt_{k:03d}_{layout}.{kind}", data, kind, truth, receipt.text()))
    for k in range(n_photos):
        layout = papers[k % len(papers)]
        receipt = chains.PAPER[layout](rng)
        slip = render_receipt(receipt, RenderOptions(font_path=font, font_size=26, jpeg_quality=None))
        opts = photo.random_photo_options(rng)
        image = photo.photograph(slip, opts, rng)
        data = encode(image, "jpeg", opts.jpeg_quality)
        truth = receipt.truth() | {
            "layout": layout,
            "kind": "photo",
            "file_kind": "jpeg",
            "cut": opts.cut_bottom,
        }
        samples.append(SynthSample(f"photo_{k:03d}_{layout}.jpg", data, "jpeg", truth, receipt.text()))
    return samples
