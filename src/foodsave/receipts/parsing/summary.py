"""The summary block of a receipt: SUMA lines, VAT (PTU) blocks and tables, payments and change.

Each is a separate witness of the total; `Summary` keeps them apart so the arithmetic can weigh them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from foodsave.receipts.money import parse_amount
from foodsave.receipts.parsing.lines import AMT_BIG
from foodsave.receipts.parsing.model import ParsedReceipt, VatEntry

SUMA_LINE_RE = re.compile(r"^\W*([s5][uv][mn]a|razem|do zaplaty|naleznosc|ogolem)")
_PAY_CARD_RE = re.compile(r"^\W*(karta|platnosc kart|karta platnicza|blik|przelew|visa|mastercard|bon\b)")
_PAY_CASH_RE = re.compile(r"^\W*(gotowka|gotowka pln)")
_CHANGE_RE = re.compile(r"^\W*reszta")
_TAXABLE_RE = re.compile(r"(?:opodatk|sprzeda)\S*\s*\.?\s*([a-g])\b|^\W*sp\.?\s?op\.?\s?([a-g])\b")
# A row of a VAT table: `C 5% 91,60 87,24 4,36` (letter, rate, gross, net, tax).
_VAT_ROW_RE = re.compile(r"^\W*([a-g])\s+(\d{1,2})(?:[,.]\d{1,2})?\s*%")
_RATE_RE = re.compile(r"(\d{1,2})(?:[,.](\d{1,2}))?\s*%")
VAT_RATES = {"A": Decimal("23"), "B": Decimal("8"), "C": Decimal("5"), "D": Decimal("0")}


@dataclass
class Summary:
    """Every total the summary block states, by kind."""

    suma: list[Decimal] = field(default_factory=list)
    suma_loose: list[Decimal] = field(default_factory=list)
    taxable: dict[str, Decimal] = field(default_factory=dict)
    exempt: list[Decimal] = field(default_factory=list)
    card: list[Decimal] = field(default_factory=list)
    cash: list[Decimal] = field(default_factory=list)
    change: list[Decimal] = field(default_factory=list)
    # `PTU A 25,39` without a rate is the taxable amount when a `Kwota A 23,00% 4,75` line gives the tax.
    ptu_plain: dict[str, Decimal] = field(default_factory=dict)


def read_summary(lines: list[str], folded: list[str], result: ParsedReceipt) -> Summary:
    """Sort each summary line into the witness it is; VAT letters go straight into `result.vat_summary`."""
    s = Summary()
    for line, f in zip(lines, folded, strict=True):
        if "eur" in f.split() and "pln" not in f:
            result.currency = "EUR"
        amounts = [a for a in (parse_amount(m.group(0)) for m in re.finditer(AMT_BIG, line)) if a is not None]
        if not amounts:
            lost = re.search(r"(?<![\d,.])(\d{3,7})\s*(?:pln|zl)?\W*$", f)
            if lost and SUMA_LINE_RE.search(f) and "ptu" not in f:
                # The decimal comma was lost: `SUMA PLN 21438` is most likely 214,38.
                s.suma_loose.append(Decimal(f"{lost.group(1)[:-2]}.{lost.group(1)[-2:]}"))
            continue
        _sort_line(line, f, amounts, s, result)
    _finish_vat(s, result)
    return s


def _sort_line(line: str, f: str, amounts: list[Decimal], s: Summary, result: ParsedReceipt) -> None:
    last = amounts[-1]
    taxable = _TAXABLE_RE.search(f)
    if taxable or re.search(r"sprzeda|opodatk", f):
        letter = (taxable.group(1) or taxable.group(2)).upper() if taxable else "?"
        if "zwoln" in f:
            s.exempt.append(last)
        else:
            s.taxable.setdefault(letter, amounts[0] if taxable and taxable.group(2) else last)
        return
    if re.search(r"\bptu\b", f) and re.search(r"[s5][uv][mn]a|razem|lacznie", f):
        result.total_tax = last
        return
    row = _VAT_ROW_RE.match(f)
    if row and len(amounts) >= 2:
        entry = result.vat_summary.setdefault(row.group(1).upper(), VatEntry(row.group(1).upper()))
        entry.rate, entry.taxable, entry.tax = Decimal(row.group(2)), amounts[0], last
        s.taxable[entry.letter] = amounts[0]
        return
    m = re.search(r"\b(ptu|vat|kwota)\s*([a-g])\b", f)
    if m:
        letter = m.group(2).upper()
        rate = _RATE_RE.search(line)
        if m.group(1) == "ptu" and rate is None:
            s.ptu_plain[letter] = last
            return
        entry = result.vat_summary.setdefault(letter, VatEntry(letter))
        if rate:
            entry.rate = Decimal(f"{rate.group(1)}.{rate.group(2) or '0'}")
        entry.tax = last
        return
    if SUMA_LINE_RE.search(f) and "ptu" not in f:
        s.suma.append(last)
    elif _CHANGE_RE.search(f):
        s.change.append(last)
    elif _PAY_CASH_RE.search(f):
        s.cash.append(last)
    elif _PAY_CARD_RE.search(f):
        s.card.append(last)


def _finish_vat(s: Summary, result: ParsedReceipt) -> None:
    for letter, value in s.ptu_plain.items():
        if letter in result.vat_summary and letter not in s.taxable:
            s.taxable[letter] = value
        else:
            result.vat_summary.setdefault(letter, VatEntry(letter)).tax = value
    for letter, value in s.taxable.items():
        if letter == "?":
            continue
        entry = result.vat_summary.setdefault(letter, VatEntry(letter))
        entry.taxable = value
        if entry.rate is None and letter in VAT_RATES:
            entry.rate = VAT_RATES[letter]
