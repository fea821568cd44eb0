"""Parse the text of a Polish fiscal receipt or shop-app e-receipt into a checked, typed receipt.

`ReceiptParser.parse` is a short pipeline of named steps (see `STEPS`), each a function in
`foodsave.receipts.parsing` that can be tested alone: find the item block, read the merchant and the sale
date, read the summary witnesses of the total, read the items, reconcile them with the arithmetic, correct
a misread quantity or unit price, flag what still does not close, and name and categorise the items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foodsave.receipts.parsing import arithmetic, header
from foodsave.receipts.parsing.items import ItemReader, Loose
from foodsave.receipts.parsing.lines import clean_line, normal_qty
from foodsave.receipts.parsing.model import ParsedReceipt, ReceiptDiscount, ReceiptItem, ReviewFlag, VatEntry
from foodsave.receipts.parsing.summary import Summary, read_summary
from foodsave.text import fold

if TYPE_CHECKING:
    from collections.abc import Callable

    from foodsave.categories.categorize import Categorizer


@dataclass
class ParseState:
    """What the steps share: the cleaned and folded lines, the item block's bounds, and the result."""

    lines: list[str]
    folded: list[str]
    result: ParsedReceipt = field(default_factory=ParsedReceipt)
    start: int = 0
    end: int = 0
    summary: Summary = field(default_factory=Summary)
    loose: list[Loose] = field(default_factory=list)


def find_blocks(s: ParseState) -> None:
    s.start = header.items_start(s.lines, s.folded)
    s.end = header.items_end(s.folded, s.start)


def read_header(s: ParseState) -> None:
    header.detect_merchant(s.lines, s.folded, s.start, s.result)
    header.detect_datetime(s.lines, s.start, s.result)


def read_totals(s: ParseState) -> None:
    s.summary = read_summary(s.lines[s.end :], s.folded[s.end :], s.result)


def read_items(s: ParseState) -> None:
    s.loose = ItemReader(s.result).read(s.lines, s.folded, s.start, s.end)
    if not s.result.items:
        s.result.flag("no_items", "no items found")


def check_arithmetic(s: ParseState) -> None:
    arithmetic.reconcile(s.result, s.summary, s.loose)
    arithmetic.correct_factors(s.result)
    arithmetic.flag_open_lines(s.result)


STEPS: tuple[Callable[[ParseState], None], ...] = (
    find_blocks,
    read_header,
    read_totals,
    read_items,
    check_arithmetic,
)


class ReceiptParser:
    """Turns OCR or text-layer receipt text into a `ParsedReceipt`."""

    def __init__(self, categorizer: Categorizer | None = None) -> None:
        if categorizer is None:
            from foodsave.categories.categorize import Categorizer

            categorizer = Categorizer()
        self.categorizer = categorizer

    def parse(self, text: str) -> ParsedReceipt:
        lines = [clean_line(x) for x in text.splitlines()]
        state = ParseState(lines, [fold(x) for x in lines])
        for step in STEPS:
            step(state)
        self.name_items(state.result)
        return state.result

    def name_items(self, result: ParsedReceipt) -> None:
        """Readable names and categories; an item whose arithmetic failed keeps a low confidence."""
        for item in result.items:
            item.quantity = normal_qty(item.quantity, item.unit)
            item.name = self.categorizer.normalize_name(item.name_raw)
            item.category, confidence = self.categorizer.categorize(item.name_raw)
            item.confidence = confidence if item.checked else min(confidence, 0.5)


__all__ = [
    "ParsedReceipt",
    "ReceiptDiscount",
    "ReceiptItem",
    "ReceiptParser",
    "ReviewFlag",
    "VatEntry",
    "fold",
]
