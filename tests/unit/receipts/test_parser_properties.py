"""Property tests: any valid receipt rendered as text parses back to its totals and items; amounts parse
in every decimal formatting a printer or OCR produces."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.receiptgen import HEADERS, PRODUCTS, STYLES, SynthItem, SynthReceipt, layout
from foodsave.receipts.money import parse_amount, q2
from foodsave.receipts.parser import ReceiptParser

PARSER = ReceiptParser()

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)


@st.composite
def items(draw: st.DrawFn) -> SynthItem:
    name, category, _, weighed = draw(st.sampled_from(PRODUCTS))
    price = draw(st.decimals(min_value=Decimal("0.10"), max_value=Decimal("199.99"), places=2))
    if weighed:
        qty = Decimal(draw(st.integers(min_value=50, max_value=3000))) / 1000
    else:
        qty = Decimal(draw(st.integers(min_value=1, max_value=12)))
    amount = q2(qty * price)
    discount = Decimal("0.00")
    if amount > 1 and draw(st.booleans()):
        discount = -q2(amount * Decimal(draw(st.sampled_from(["0.10", "0.25", "0.50"]))))
    vat = draw(st.sampled_from("ABC"))
    return SynthItem(
        name, category, qty, "kg" if weighed else "szt", price, amount, discount, q2(amount + discount), vat
    )


@st.composite
def receipts(draw: st.DrawFn) -> SynthReceipt:
    merchant = draw(st.sampled_from(sorted(HEADERS)))
    its = draw(st.lists(items(), min_size=1, max_size=12))
    day = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    total = q2(sum((i.total for i in its), Decimal("0")))
    coupons = []
    if total > 10 and draw(st.booleans()):
        coupons = [("Lidl Plus kupon", Decimal("-1.50"))]
        total -= Decimal("1.50")
    r = SynthReceipt(
        merchant,
        STYLES[merchant],
        day,
        "12:34",
        its,
        coupons,
        total,
        width=draw(st.sampled_from([32, 40, 48])),
    )
    layout(r, random.Random(draw(st.integers(0, 2**16))))
    return r


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(receipts())
def test_rendered_receipt_parses_back_to_its_total_and_items(r: SynthReceipt) -> None:
    parsed = PARSER.parse(r.text())
    assert parsed.total == r.total
    assert [i.total for i in parsed.items] == [i.total for i in r.items]
    assert [i.quantity for i in parsed.items] == [i.quantity for i in r.items]
    assert parsed.date == r.date
    assert parsed.merchant == r.merchant
    assert not parsed.needs_review


@settings(max_examples=60, deadline=None)
@given(receipts())
def test_rendered_receipt_items_sum_to_the_total(r: SynthReceipt) -> None:
    parsed = PARSER.parse(r.text())
    assert parsed.items_total == parsed.total


@given(money, st.sampled_from([",", "."]), st.sampled_from(["", " ", "."]))
def test_amount_parses_in_any_decimal_formatting(value: Decimal, sep: str, thousands: str) -> None:
    whole, frac = f"{value:.2f}".split(".")
    if thousands and thousands != sep and len(whole) > 3:
        whole = whole[:-3] + thousands + whole[-3:]
    assert parse_amount(f"{whole}{sep}{frac}") == value


@given(money)
def test_negative_amount_parses_with_leading_or_trailing_minus(value: Decimal) -> None:
    text = f"{value:.2f}".replace(".", ",")
    assert parse_amount(f"-{text}") == -value
    assert parse_amount(f"{text}-") == -value


@given(st.text(max_size=20))
def test_amount_parser_never_raises(text: str) -> None:
    parse_amount(text)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    PARSER.parse(text)


def _ocr_confuse(text: str, rng: random.Random) -> str:
    """Typical OCR confusions inside numbers: `,`/`.`, `0`/`O`, `1`/`l`, and dropped spaces before `x`."""
    import re

    def amount(m: re.Match[str]) -> str:
        s = m.group(0)
        if rng.random() < 0.3:
            s = s.replace(",", ".")
        if rng.random() < 0.2:
            s = s.replace("0", "O", 1)
        if rng.random() < 0.2:
            s = s.replace("1", "l", 1)
        return s

    text = re.sub(r"\d+,\d\d", amount, text)
    return text.replace(" x", "x") if rng.random() < 0.5 else text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(receipts(), st.randoms(use_true_random=False))
def test_ocr_confusions_inside_numbers_do_not_change_the_result(r: SynthReceipt, rng: random.Random) -> None:
    parsed = PARSER.parse(_ocr_confuse(r.text(), rng))
    assert parsed.total == r.total
    assert [i.total for i in parsed.items] == [i.total for i in r.items]
