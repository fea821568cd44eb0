"""The parser on the texts of shop-app e-receipts and paper receipts as the chains print them today:
Biedronka app PDF, Kaufland "Podsumowanie zakupów", Auchan e-receipt, Lidl Plus screenshot, Lidl and Dino paper."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from foodsave.receipts.parser import ParsedReceipt, ReceiptParser

D = Decimal

BIEDRONKA_APP = """\
Jeronimo Martins Polska S.A.
ul. Żniwna 5, 62-025 Kostrzyn
NIP 779-10-11-327
NIEFISKALNY
18.11.2025 16:34
Nazwa PTU Ilość Cena Wartość
KawMielRafiin250g A 1.000 x 18,99 18,99
Rabat -4,00
14,99
SerekWiejski200g C 2.000 x 2,79 5,58
Banan luz C 0.842 x 4,99 4,20
3218/15/4268/18.11.2025 Strona 1 z 2
MlekoŁaciate2%1L C 3.000 x 3,99 11,97
Sprzedaż opodatkowana A 14,99
PTU A 23% 2,80
Sprzedaż opodatkowana C 21,75
PTU C 5% 1,04
Suma PTU 3,84
Suma PLN 36,74
Karta płatnicza 36,74
3218/15/4268/18.11.2025 Strona 2 z 2
"""

KAUFLAND_APP = """\
Kaufland
ul. Wiśniowa 46, 02-520 Warszawa
Podsumowanie zakupów
Cena PLN
Skyr naturalny 450g 6,40
Skyr naturalny 450g 6,40
Chleb żytni 5,99
Pomidory malinowe 8,97
Ogółem 27,76
C 5% 27,76 26,44 1,32
Z Kaufland Card zaoszczędzono 10,00 PLN
Data: 09.12.2024 Godzina: 14:22
"""

AUCHAN_APP = """\
HIPERMARKET AUCHAN
NIP: 526-03-09-174
2025-03-04
SER MOZZAR 751976C 0,304 x33,89 10,30C
ORZESZKI W 492359C 1 x7,99 7,99C
MLEKO UHT 128833C 2 x3,29 6,58C
Rabat ORZESZKI W 492359C -0,80C
SUMA PLN 24,07
"""

LIDL_PLUS = """\
Lidl
2024-11-16
Heineken 0% piwo 10 * 4,59 45,… A
950_5501028_5515945_mix -23,00
Masło extra 1 * 7,99 7,99 C
PTU A 22,90
Kwota A 23,00% 4,28
PTU C 7,99
Kwota C 5,00% 0,38
Razem 30,89
RAZEM PLN 30,89
Pobierz aplikację Lidl Plus i oszczędzaj
https://maps.example/lidl
"""

LIDL_PAPER = """\
Lidl sp. z o.o. sp. k.
ul. Poznańska 48, 62-080 Jankowice
NIP 781-18-97-358
PARAGON FISKALNY
Jaja w.wybieg Sudety F 1 x12,99 12,99C
Banany luz F 0,85 x6,99 5,94C
Podsuma: 18,93
SPRZEDAŻ OPODATKOWANA C 18,93
PTU C 5% 0,90
SUMA PTU 0,90
SUMA PLN 18,93
KARTA Karta płatnicza 18,93 PLN
2025-12-01 19:49
"""

DINO_DOTS = """\
DINO POLSKA S.A.
Market Dino
NIP 6211766191
25-11-2025 18:24
PARAGON FISKALNY
GRAPEFRUIT KG C 2.21*6.99 15.45C
SEREK HOMOGEN 200G C 2*2.49 4.98C
SP.OP.C: 20.43 PTU 5%
Suma: PLN 20.43
"""

DINO_COMMAS = """\
DINO POLSKA S.A.
NIP 621-17-66-191
25-11-2025 18:24
PARAGON FISKALNY
JABLKO DESER KG C 2,120 x3,49 7,40C
SEREK HOMOGEN 200G C 2 x2,49 4,98C
SPRZEDAŻ OPODATKOWANA C 12,38
SUMA PLN 12,38
"""


@pytest.fixture(scope="module")
def parser() -> ReceiptParser:
    return ReceiptParser()


def summary(r: ParsedReceipt) -> tuple[str, date | None, Decimal | None, list[Decimal]]:
    return r.merchant, r.date, r.total, [i.total for i in r.items]


def test_biedronka_app_receipt_over_two_pages(parser: ReceiptParser) -> None:
    r = parser.parse(BIEDRONKA_APP)
    assert summary(r) == (
        "biedronka",
        date(2025, 11, 18),
        D("36.74"),
        [D("14.99"), D("5.58"), D("4.20"), D("11.97")],
    )
    assert r.items[0].discount == D("-4.00") and not r.needs_review


def test_biedronka_quantities_with_three_decimals_and_a_dot(parser: ReceiptParser) -> None:
    r = parser.parse(BIEDRONKA_APP)
    assert [(i.quantity, i.unit) for i in r.items] == [
        (D("1"), "szt"),
        (D("2"), "szt"),
        (D("0.842"), "kg"),
        (D("3"), "szt"),
    ]


def test_kaufland_single_price_column_with_ogolem_and_date_at_the_bottom(parser: ReceiptParser) -> None:
    r = parser.parse(KAUFLAND_APP)
    assert summary(r) == (
        "kaufland",
        date(2024, 12, 9),
        D("27.76"),
        [D("6.40"), D("6.40"), D("5.99"), D("8.97")],
    )
    assert not r.needs_review


def test_kaufland_vat_table_row_gives_the_taxable_amount(parser: ReceiptParser) -> None:
    r = parser.parse(KAUFLAND_APP)
    assert (r.vat_summary["C"].taxable, r.vat_summary["C"].tax) == (D("27.76"), D("1.32"))


def test_auchan_codes_are_cut_from_names_and_a_named_discount_finds_its_item(parser: ReceiptParser) -> None:
    r = parser.parse(AUCHAN_APP)
    assert summary(r) == ("auchan", date(2025, 3, 4), D("24.07"), [D("10.30"), D("7.19"), D("6.58")])
    assert [i.name_raw for i in r.items] == ["SER MOZZAR", "ORZESZKI W", "MLEKO UHT"]
    assert not r.needs_review


def test_lidl_plus_ellipsised_amount_is_recovered_and_the_promotion_discounts_the_row_above(
    parser: ReceiptParser,
) -> None:
    r = parser.parse(LIDL_PLUS)
    assert summary(r) == ("lidl", date(2024, 11, 16), D("30.89"), [D("22.90"), D("7.99")])
    assert (r.items[0].amount, r.items[0].discount, r.items[0].quantity) == (D("45.90"), D("-23.00"), D("10"))
    assert not r.needs_review


def test_lidl_plus_ptu_and_kwota_pairs_are_taxable_and_tax(parser: ReceiptParser) -> None:
    r = parser.parse(LIDL_PLUS)
    assert (r.vat_summary["A"].taxable, r.vat_summary["A"].tax) == (D("22.90"), D("4.28"))


def test_lidl_paper_receipt_with_date_at_the_bottom(parser: ReceiptParser) -> None:
    r = parser.parse(LIDL_PAPER)
    assert summary(r) == ("lidl", date(2025, 12, 1), D("18.93"), [D("12.99"), D("5.94")])
    assert r.items[1].quantity == D("0.85") and not r.needs_review


@pytest.mark.parametrize("text", [DINO_DOTS, DINO_COMMAS], ids=["dots", "commas"])
def test_dino_paper_in_both_layouts(parser: ReceiptParser, text: str) -> None:
    r = parser.parse(text)
    assert (r.merchant, r.date) == ("dino", date(2025, 11, 25))
    assert r.items_total == r.total and not r.needs_review
    assert [i.name_raw for i in r.items][1] == "SEREK HOMOGEN 200G"


def test_dino_fused_weight_line_reads_quantity_and_unit_price(parser: ReceiptParser) -> None:
    r = parser.parse(DINO_DOTS)
    assert (r.items[0].quantity, r.items[0].unit_price, r.items[0].total) == (
        D("2.21"),
        D("6.99"),
        D("15.45"),
    )


def test_loyalty_and_marketing_lines_are_never_items(parser: ReceiptParser) -> None:
    names = [
        i.name_raw.lower() for r in (parser.parse(KAUFLAND_APP), parser.parse(LIDL_PLUS)) for i in r.items
    ]
    assert not any("zaoszcz" in n or "aplikac" in n or "http" in n for n in names)
