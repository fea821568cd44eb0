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
