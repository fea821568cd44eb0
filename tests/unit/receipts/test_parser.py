"""Behaviours of the receipt parser on small, focused receipt texts."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from foodsave.receipts.parser import ReceiptParser

D = Decimal


@pytest.fixture(scope="module")
def parser() -> ReceiptParser:
    return ReceiptParser()


def receipt(
    body: str, total: str, header: str = "LIDL\nNIP 781-18-97-358\n2025-01-31 17:59\nPARAGON FISKALNY"
) -> str:
    return f"{header}\n{body}\nSUMA PLN {total}\nKarta płatnicza {total}\n"


def test_one_line_item_with_glued_vat_letter(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko UHT 3,2% 1L C 2 x3,49 6,98C", "6,98"))
    (item,) = r.items
    assert (item.name_raw, item.quantity, item.unit_price, item.total, item.vat_letter) == (
        "Mleko UHT 3,2% 1L",
        D("2"),
        D("3.49"),
        D("6.98"),
        "C",
    )


def test_two_line_item_with_quantity_below(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Ser Gouda plastry   13,98 B\n   2 * 6,99", "13,98"))
    (item,) = r.items
    assert (item.quantity, item.unit_price, item.total) == (D("2"), D("6.99"), D("13.98"))


def test_two_line_item_with_name_above(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Filet z kurczaka\n  0,812 x 21,99   17,86 C", "17,86"))
    (item,) = r.items
    assert (item.name_raw, item.quantity, item.unit, item.total) == (
        "Filet z kurczaka",
        D("0.812"),
        "kg",
        D("17.86"),
    )


def test_weighed_item_uses_kilograms(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Banany luz C 0,535 kg x 5,99 3,20C", "3,20"))
    assert (r.items[0].quantity, r.items[0].unit) == (D("0.535"), "kg")


def test_discount_line_belongs_to_item_above(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Chleb C 1 x4,99 4,99C\nMasło C 1 x8,99 8,99C\nRabat -1,80C\n7,19C", "12,18"))
    assert [i.discount for i in r.items] == [D("0.00"), D("-1.80")]
    assert r.items[1].total == D("7.19")


@pytest.mark.parametrize("word", ["Rabat", "Upust", "Opust", "Obniżka", "Promocja"])
def test_every_discount_keyword_is_a_discount(parser: ReceiptParser, word: str) -> None:
    r = parser.parse(receipt(f"Kawa mielona C 1 x20,00 20,00C\n{word} -5,00C", "15,00"))
    assert len(r.items) == 1 and r.items[0].total == D("15.00")


def test_receipt_level_coupon_is_not_an_item_discount(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko 2,69 C\nChleb 4,99 C\nLidl Plus kupon -1,00", "6,68"))
    assert [i.discount for i in r.items] == [D("0.00"), D("0.00")]
    assert [d.amount for d in r.receipt_discounts] == [D("-1.00")]
    assert not r.needs_review


def test_summary_block_never_becomes_items(parser: ReceiptParser) -> None:
    text = receipt("Mleko 2,69 C", "2,69").replace(
        "SUMA PLN", "Sprzedaż opodatk. C 2,69\nPTU C 5,00% 0,13\nSuma PTU 0,13\nSUMA PLN"
    )
    r = parser.parse(text + "Gotówka 10,00\nReszta 7,31\n")
    assert [i.name_raw for i in r.items] == ["Mleko"]
    assert r.vat_summary["C"].taxable == D("2.69") and r.vat_summary["C"].tax == D("0.13")
    assert r.total_tax == D("0.13")


def test_ocr_letter_o_in_amount_reads_as_zero(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Banany C 1 x3,2O 3,2OC", "3,20"))
    assert r.items[0].total == D("3.20")


def test_missing_multiplication_sign_is_accepted_when_arithmetic_holds(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Jogurt C 3 2,99 8,97C", "8,97"))
    assert (r.items[0].quantity, r.items[0].unit_price) == (D("3"), D("2.99"))


def test_comma_and_dot_decimal_separators_both_parse(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko C 2 x3.49 6.98C\nChleb C 1 x4,99 4,99C", "11.97"))
    assert r.total == D("11.97") and r.items[0].total == D("6.98")


def test_thousands_separator_in_total(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Telewizor A 1 x1 199,00 1 199,00A\nMleko C 1 x2,00 2,00C", "1 201,00"))
    assert r.total == D("1201.00")
    assert r.items[0].total == D("1199.00")


def test_garbled_amount_is_repaired_from_quantity_times_price(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko C 2 x3,49 6,93C\nChleb C 1 x4,99 4,99C", "11,97"))
    assert r.items[0].total == D("6.98")
    assert not r.needs_review
    assert any("corrected" in w for w in r.warnings)


def test_garbled_suma_is_outvoted_by_payment_and_items(parser: ReceiptParser) -> None:
    text = receipt("Mleko C 2 x3,49 6,98C\nChleb C 1 x4,99 4,99C", "11,97").replace(
        "SUMA PLN 11,97", "SUMA PLN 17,97"
    )
    r = parser.parse(text)
    assert r.total == D("11.97")


def test_unreconcilable_receipt_needs_review(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko 2,69 C\nChleb 4,99 C", "19,99"))
    assert r.needs_review
    assert any("does not match" in w for w in r.warnings)


def test_receipt_without_total_needs_review(parser: ReceiptParser) -> None:
    r = parser.parse("LIDL\nPARAGON FISKALNY\nMleko 2,69 C\n")
    assert r.needs_review and r.total == D("2.69")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-01-31 17:59", date(2025, 1, 31)),
        ("31.01.2025 17:59", date(2025, 1, 31)),
        ("31-01-2025", date(2025, 1, 31)),
    ],
)
def test_date_formats(parser: ReceiptParser, line: str, expected: date) -> None:
    r = parser.parse(receipt("Mleko 2,69 C", "2,69", header=f"LIDL\n{line}\nPARAGON FISKALNY"))
    assert r.date == expected


def test_time_is_read_next_to_the_date(parser: ReceiptParser) -> None:
    assert parser.parse(receipt("Mleko 2,69 C", "2,69")).time == time(17, 59)


@pytest.mark.parametrize(
    ("header", "brand"),
    [
        ("Jeronimo Martins Polska S.A.", "biedronka"),
        ("Lidl sp. z o.o. sp. k.", "lidl"),
        ("Kaufland Polska Markety", "kaufland"),
        ("Żabka Polska sp. z o.o.", "zabka"),
        ("DINO POLSKA S.A.", "dino"),
        ("Sklep Spożywczy U Zosi", "other"),
    ],
)
def test_merchant_is_normalised_to_a_brand(parser: ReceiptParser, header: str, brand: str) -> None:
    r = parser.parse(receipt("Mleko 2,69 C", "2,69", header=f"{header}\n2025-01-31\nPARAGON FISKALNY"))
    assert r.merchant == brand


def test_items_are_categorised_and_named(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("SerekWiejski200g C 1 x2,79 2,79C", "2,79"))
    assert (r.items[0].name, r.items[0].category) == ("serek wiejski", "dairy")


def test_to_dict_is_json_ready(parser: ReceiptParser) -> None:
    import json

    data = parser.parse(receipt("Mleko 2,69 C", "2,69")).to_dict()
    assert json.loads(json.dumps(data))["total"] == "2.69"


def test_pieces_printed_with_three_decimals_are_whole_pieces(parser: ReceiptParser) -> None:
    r = parser.parse(receipt("Mleko 1,000 szt x 2,69 2,69 C\nSer 2,000 x 3,00 6,00 C", "8,69"))
    assert [(i.quantity, i.unit) for i in r.items] == [(D("1"), "szt"), (D("2"), "szt")]


def test_column_header_and_subtotal_lines_are_not_items(parser: ReceiptParser) -> None:
    r = parser.parse(
        receipt(
            "Nazwa Ilość Cena Wartość\nMleko 2,69 C\nChleb 3,00 C\nPodsuma 5,69\nLidl Plus kupon -1,00",
            "4,69",
        )
    )
    assert [i.name_raw for i in r.items] == ["Mleko", "Chleb"]
    assert r.total == D("4.69") and not r.needs_review


def test_double_width_summary_read_letter_by_letter_is_still_the_total(parser: ReceiptParser) -> None:
    text = receipt("Mleko 2,69 C", "2,69").replace("SUMA PLN 2,69", "S U M A  P L N   2,69")
    r = parser.parse(text)
    assert r.total == D("2.69") and len(r.items) == 1


def test_garbled_item_line_is_recovered_from_the_totals(parser: ReceiptParser) -> None:
    r = parser.parse(
        receipt("Mleko C 1 x2,69 2,69C\nSerekWiejski Gl 7X2779 2,7/9C\nChleb C 1 x3,00 3,00C", "8,48")
    )
    assert [i.total for i in r.items] == [D("2.69"), D("2.79"), D("3.00")]
    assert any("unreadable amount" in w for w in r.warnings)
