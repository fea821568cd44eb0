"""Realistic receipt texts of five chains parse to the expected merchant, date, total and items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foodsave.receipts.parser import ReceiptParser

FIXTURES = Path(__file__).parents[2] / "fixtures" / "receipts"
CASES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


@pytest.fixture(scope="module")
def parser() -> ReceiptParser:
    return ReceiptParser()


def test_fixture_set_covers_the_big_chains() -> None:
    merchants = {json.loads((FIXTURES / f"{c}.json").read_text())["merchant"] for c in CASES}
    assert {"biedronka", "lidl", "kaufland", "auchan", "zabka"} <= merchants


@pytest.mark.parametrize("case", CASES)
def test_fixture_parses_to_expected_receipt(parser: ReceiptParser, case: str) -> None:
    expected = json.loads((FIXTURES / f"{case}.json").read_text())
    receipt = parser.parse((FIXTURES / f"{case}.txt").read_text())
    got = {
        "merchant": receipt.merchant,
        "date": receipt.date.isoformat() if receipt.date else None,
        "total": str(receipt.total),
        "items": [
            {
                "name_raw": i.name_raw,
                "quantity": str(i.quantity),
                "unit_price": str(i.unit_price),
                "discount": str(i.discount),
                "total": str(i.total),
                "category": i.category,
            }
            for i in receipt.items
        ],
    }
    assert got == expected
    assert not receipt.needs_review
