"""Labelled synthetic Polish receipts for tests, benchmarks and the demo (never imported by the package).

Classic paragon layouts (`classic`), today's shop-app e-receipts and paper receipts of five chains
(`chains`), thermal-print and e-receipt renders (`render`, `screens`) and phone-photo effects (`photo`).
Shares no parsing or money code with `foodsave`, so a benchmark built on it cannot agree with itself.
"""

from devkit.receiptgen.catalog import HEADERS, PRODUCTS, STYLES, VAT_RATES
from devkit.receiptgen.classic import SynthItem, SynthReceipt, generate_receipt, layout
from devkit.receiptgen.dataset import SynthSample, generate_dataset, layout_dataset
from devkit.receiptgen.render import (
    PINNED_FONT,
    RenderOptions,
    encode,
    installed_fonts,
    random_render_options,
    render_receipt,
    text_pdf,
)

__all__ = [
    "HEADERS",
    "PINNED_FONT",
    "PRODUCTS",
    "STYLES",
    "VAT_RATES",
    "RenderOptions",
    "SynthItem",
    "SynthReceipt",
    "SynthSample",
    "encode",
    "generate_dataset",
    "generate_receipt",
    "installed_fonts",
    "layout",
    "layout_dataset",
    "random_render_options",
    "render_receipt",
    "text_pdf",
]
