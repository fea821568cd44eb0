"""The receipt's arithmetic decides between readings, and what it cannot settle is flagged on its line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from foodsave.receipts.parser import ReceiptParser

D = Decimal
HEADER = "LIDL\nNIP 781-18-97-358\n2025-01-31 17:59\nPARAGON FISKALNY"


@pytest.fixture(scope="module")
def parser() -> ReceiptParser:
    return ReceiptParser()


def receipt(body: str, total: str, card: str | None = None, header: str = HEADER) -> str:
    return f"{header}\n{body}\nSUMA PLN {total}\nKarta płatnicza {card or total}\n"


def test_misread_weight_is_corrected_from_unit_price_and_value(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Filet z kurczaka C 8,612 x21,99 13,46C\nChleb C 1 x4,99 4,99C", "18,45"))
    assert r.items[0].quantity == D("0.612")
    assert not r.needs_review
    assert any("quantity 8.612 corrected to 0.612" in w for w in r.warnings)


def test_quantity_that_nothing_explains_is_flagged_on_its_line(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Chleb C 1 x4,99 4,99C\nFilet z kurczaka C 3,7 x21,99 13,46C", "18,45"))
    assert r.needs_review
    (flag,) = [f for f in r.flags if f.code == "line_arithmetic"]
    assert flag.line == 6
    assert r.items[1].confidence <= 0.5


def test_suma_misread_by_one_digit_is_outvoted_by_card_vat_and_items(parser: ReceiptParser) -> None:
    body = "Mleko C 2 x3,49 6,98C\nChleb C 1 x4,99 4,99C\nSprzedaż opodatk. C 11,97"
    r = parser.parse(receipt(body, "41,97", card="11,97"))
    assert r.total == D("11.97")


def test_vat_letter_read_as_a_digit_does_not_change_the_amount(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Bułka kajzerka C 1 x0,79 0,798\nChleb C 1 x4,99 4,99C", "5,78"))
    assert [i.total for i in r.items] == [D("0.79"), D("4.99")]
    assert not r.needs_review


def test_items_that_do_not_add_up_are_flagged_with_the_failed_check(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko 2,69 C\nChleb 4,99 C", "19,99"))
    assert r.status == "needs_review"
    assert [f.code for f in r.flags] == ["items_sum"]


def test_clean_receipt_has_no_flags_and_is_parsed(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko 2,69 C\nChleb 4,99 C", "7,68"))
    assert (r.status, r.flags) == ("parsed", [])


def test_chain_is_known_by_its_nip_with_one_misread_digit(parser: ReceiptParser) -> None:
    header = "Sklep nr 1022\nNIP 779-10-11-387\n2025-01-31 17:59\nPARAGON FISKALNY"
    assert parser.parse(receipt("Mleko 2,69 C", "2,69", header=header)).merchant == "biedronka"


def test_chain_is_known_by_its_nip_without_its_name(parser: ReceiptParser) -> None:
    header = "Hipermarket Piaseczno\nNIP: 526-03-09-174\n2025-03-04\nPARAGON FISKALNY"
    assert parser.parse(receipt("Mleko 2,69 C", "2,69", header=header)).merchant == "auchan"


def test_sale_date_wins_over_a_return_deadline(parser: ReceiptParser) -> None:
    text = receipt("Mleko 2,69 C", "2,69") + "Termin zwrotu: 14.02.2025\n"
    assert parser.parse(text).date == date(2025, 1, 31)


def test_sale_date_at_the_bottom_wins_over_a_return_date_at_the_top(parser: ReceiptParser) -> None:
    header = "DINO POLSKA S.A.\nZwrot do dnia 2025-02-14\nPARAGON FISKALNY"
    text = receipt("Mleko 2,69 C", "2,69", header=header) + "2025-01-31 17:59\n"
    assert parser.parse(text).date == date(2025, 1, 31)


def test_receipt_without_a_date_is_flagged(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko 2,69 C", "2,69", header="LIDL\nPARAGON FISKALNY"))
    assert r.date is None and "date_missing" in [f.code for f in r.flags]
