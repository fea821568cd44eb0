"""Property tests on the layouts of today's e-receipts and paper receipts (drawn by devkit.receiptgen, which
shares no code with the parser): every receipt parses back exactly, and a misread quantity digit is either
corrected by the arithmetic or flagged, never stored as read."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from devkit.receiptgen import chains
from foodsave.receipts.money import q2
from foodsave.receipts.parser import ReceiptParser

PARSER = ReceiptParser()
LAYOUTS = {**chains.E_RECEIPTS, **chains.PAPER}
_QTY_X = re.compile(r"(?<![\d,.])(\d+(?:[,.]\d+)?) ?[x*]")


def plain_text(receipt: chains.SynthReceipt) -> str:
    """The receipt's text as OCR or a text layer would give it (no bold or colour markers, no page break)."""
    return receipt.text().replace("\x01", "").replace("\x02", "").replace("\f", "")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(LAYOUTS)), st.integers(0, 2**32 - 1))
def test_every_layout_parses_back_to_its_receipt(layout: str, seed: int) -> None:
    r = LAYOUTS[layout](random.Random(seed))
    parsed = PARSER.parse(plain_text(r))
    assert (parsed.merchant, parsed.date, parsed.total) == (r.merchant, r.date, r.total)
    assert [i.total for i in parsed.items] == [i.total for i in r.items]
    assert [i.quantity for i in parsed.items] == [i.quantity for i in r.items]
    assert parsed.status == "parsed" and parsed.flags == []


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["lidl_paper", "dino_commas", "auchan_app", "biedronka_app"]),
    st.integers(0, 2**32 - 1),
    st.integers(0, 9),
    st.data(),
)
def test_a_misread_quantity_digit_leaves_consistent_lines_or_a_flag(
    layout: str, seed: int, digit: int, data: st.DataObject
) -> None:
    r = LAYOUTS[layout](random.Random(seed))
    lines = plain_text(r).splitlines()
    rows = [k for k, line in enumerate(lines) if _QTY_X.search(line)]
    k = data.draw(st.sampled_from(rows))
    m = _QTY_X.search(lines[k])
    assert m is not None
    digits = [p for p in range(m.start(1), m.end(1)) if lines[k][p].isdigit()]
    pos = data.draw(st.sampled_from(digits))
    lines[k] = lines[k][:pos] + str(digit) + lines[k][pos + 1 :]
    parsed = PARSER.parse("\n".join(lines))
    consistent = all(q2(i.quantity * i.unit_price) == i.amount for i in parsed.items)
    totals_right = [i.total for i in parsed.items] == [i.total for i in r.items] and parsed.total == r.total
    assert (consistent and totals_right) or parsed.needs_review
