"""Line-level reading of receipt text: cleaning OCR specks, the shapes of amounts, quantities and VAT letters,
and splitting an item line into name, quantity spec, amount and VAT letter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from foodsave.receipts.money import NUM, QTY, format_amount, parse_amount, parse_quantity, q2

# Amount inside an item line (no thousands separator: items above 999 zł are not worth the ambiguity).
AMT = rf"-?\s?{NUM}{{1,5}}\s?[,.]\s?{NUM}{{2}}"
# Amount in a summary line: thousands separated by a space or a dot are allowed.
AMT_BIG = rf"-?\s?(?:\d{{1,3}}(?:[ .]\d{{3}})+|{NUM}{{1,7}})\s?[,.]\s?{NUM}{{2}}"
# A VAT letter glued to or following the amount; OCR sometimes reads C as 0/O/(/€ and B as 8.
_VAT = r"[A-Ga-g]|[0O(€©84](?=\s*$)"
_JUNK = r"[^\w\s,.]{0,2}"

TAIL_RE = re.compile(
    rf"(?:^|(?<=\s)|(?<=[^\W\d_]))(?P<amt>{AMT})(?:\s*-)?\s*(?:[.,](?=\s*[A-G]))?\s*(?P<vat>{_VAT})?\s*{_JUNK}\s*$"
)
# OCR lost the decimal comma: `1872C` is 18,72 C (only trusted when the line's arithmetic agrees).
_TAIL_NOCOMMA_RE = re.compile(r"(?:^|(?<=\s))(?P<amt>\d{3,5})\s?(?P<vat>[A-G])\W{0,2}$")
QTY_X_RE = re.compile(
    rf"(?:^|(?<=\s)|(?<=[^\W\d_]))(?P<qty>{QTY})\s*(?P<qunit>szt\.?|kg|l|op\.?)?\s*"
    rf"(?P<x>[x×X*хK])\s*(?P<unit>{AMT})\s*$"
)
_QTY_NOX_RE = re.compile(rf"(?:^|(?<=\s))(?P<qty>{QTY})\s*(?P<qunit>szt\.?|kg)?\s+(?P<unit>{AMT})\s*$")
QTY_ONLY_RE = re.compile(
    rf"^\W{{0,2}}(?P<qty>{QTY})\s*(?P<qunit>szt\.?|kg|l|op\.?)?\s*[x×X*х]\s*(?P<unit>{AMT})\s*(?P<vat>[A-G])?\s*$"
)
AMOUNT_ONLY_RE = re.compile(rf"^\W{{0,2}}(?P<amt>{AMT})(?:\s*-)?\s*(?P<vat>{_VAT})?\s*$")
_SPACED_LETTERS_RE = re.compile(r"(?<![^\s])(?:[^\W\d_] ){2,}[^\W\d_](?![^\s])")
# An amount whose decimal comma OCR dropped, before a VAT letter at the end of an item line: `1249 C`.
_LOST_COMMA_TAIL_RE = re.compile(r"(?<![\d,.])(\d{1,3})(\d{2})(\s*(?:[A-G]|[€©(])\W{0,2})$")
# ... or in a quantity line's unit price: `4* 649`.
_LOST_COMMA_QTY_RE = re.compile(
    r"^(\W{0,2}\d{1,4}(?:[,.]\d{1,3})?\s*(?:szt\.?|kg)?\s*[x×X*]\s*)(\d{1,3})(\d{2})\s*$"
)
_COMPLETE_TAIL_RE = re.compile(r"\d[,.]\s?\d\d\W{0,4}[A-Ga-g]?\W{0,2}$")
DIGIT_LOOKALIKES = str.maketrans("OolIS", "00115")
THOUSANDS_RE = re.compile(r"(?<![\d,.])(\d{1,3}) (\d{3}[,.]\d\d)(?!\d)")
_GLUED_AMOUNTS_RE = re.compile(r"(?<=[,.]\d\d)(?=\d{1,4}[,.]\d\d(?!\d))")
SEPARATOR_RE = re.compile(r"^[\s\-=_*#.~:]*$")
# An app ellipsised the amount column: `45,…` or `2,49...` after `qty * unit`.
_ELLIPSIS_RE = re.compile(
    rf"(?P<qty>{QTY})\s*(?:szt\.?|kg)?\s*[x×X*]\s*(?P<unit>{AMT})\s+(?P<part>\d{{1,5}}[,.]\d{{0,2}})\s?(?:…|\.\.\.?)"
)
# A product or article code glued to the name, often with the VAT letter: `SER MOZZAR 751976C`.
_CODE_IN_NAME_RE = re.compile(r"\s+\d{5,}[A-G]?$")


@dataclass
class QtySpec:
    """`qty x unit price` as printed, and the line it stood on."""

    qty: Decimal
    unit: str
    unit_price: Decimal
    line_no: int


@dataclass
class ItemLine:
    """An item line split into its parts; `holds` says whether qty x unit price = amount."""

    name: str
    spec: QtySpec | None
    amount: Decimal
    holds: bool
    vat: str | None


def clean_line(line: str) -> str:
    """NFC, one kind of space/dash/multiplication sign, double-width print joined back into words."""
    line = unicodedata.normalize("NFC", line)
    line = line.replace("\u00a0", " ").replace("×", "x").replace("–", "-").replace("—", "-").replace("‚", ",")
    # Double-width print read letter by letter: `S U M A  P L N` -> `SUMA PLN`.
    line = _SPACED_LETTERS_RE.sub(lambda m: m.group(0).replace(" ", ""), line.replace("\t", "  "))
    line = re.sub(r"[ \t]+", " ", line)
    return line.strip()


def repair_amounts(line: str) -> str:
    """Undo OCR and app damage to the amounts of an item line: glued amounts, lost commas, ellipsis."""
    line = _GLUED_AMOUNTS_RE.sub(" ", line)
    line = recover_ellipsis(line)
    if not _COMPLETE_TAIL_RE.search(line):
        line = _LOST_COMMA_TAIL_RE.sub(r"\1,\2\3", line)
        line = _LOST_COMMA_QTY_RE.sub(r"\1\2,\3", line)
    return line


def recover_ellipsis(line: str) -> str:
    """`10 * 4,59 45,… A` -> `10 * 4,59 45,90 A` when qty x unit price agrees with the digits that are left."""
    m = _ELLIPSIS_RE.search(line)
    if m is None:
        return line
    qty, unit_price = parse_quantity(m.group("qty")), parse_amount(m.group("unit"))
    if qty is None or unit_price is None:
        return line
    full = format_amount(q2(qty * unit_price))
    part = m.group("part").replace(".", ",")
    if not full.startswith(part):
        return line
    return f"{line[: m.start('part')]}{full}{line[m.end() :]}"


def unit_of(qunit: str | None, qty: Decimal) -> str:
    if qunit:
        u = qunit.lower().rstrip(".")
        return u if u in ("kg", "l") else "szt"
    return "kg" if qty != qty.to_integral_value() else "szt"


def vat_letter(raw: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.upper()
    if raw in "ABCDEFG":
        return raw
    return {"0": "C", "O": "C", "(": "C", "€": "C", "©": "C", "8": "B", "4": "A"}.get(raw)


def clean_name(text: str) -> str:
    """Drop OCR specks around a product name and a glued article code: `SER MOZZAR 751976C` -> `SER MOZZAR`."""
    text = re.sub(r"^[^\w(]+", "", text)
    text = text.rstrip(" :-*|,_~")
    return _CODE_IN_NAME_RE.sub("", text) if len(_CODE_IN_NAME_RE.sub("", text)) >= 3 else text


def normal_qty(qty: Decimal, unit: str) -> Decimal:
    """Pieces printed as `1,000` become 1; weights keep their printed precision."""
    if unit == "szt" and qty == qty.to_integral_value():
        return qty.quantize(Decimal(1))
    return qty


def one_digit_apart(a: Decimal, b: Decimal) -> bool:
    sa, sb = f"{a:.2f}", f"{b:.2f}"
    if len(sa) != len(sb):
        return False
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


def find_tail(line: str) -> re.Match[str] | None:
    """The amount (and VAT letter) at the end of a line, with the comma restored when arithmetic proves it."""
    return TAIL_RE.search(line) or _nocomma_tail(line)


def _nocomma_tail(line: str) -> re.Match[str] | None:
    m = _TAIL_NOCOMMA_RE.search(line)
    if m is None:
        return None
    digits = m.group("amt")
    fixed = f"{line[: m.start('amt')]}{digits[:-2]},{digits[-2:]}{line[m.end('amt') :]}"
    qm = QTY_X_RE.search(fixed[: m.start("amt")].rstrip())
    if qm is None:
        return None
    qty, unit = parse_quantity(qm.group("qty")), parse_amount(qm.group("unit"))
    if qty is None or unit is None or q2(qty * unit) != Decimal(f"{digits[:-2]}.{digits[-2:]}"):
        return None
    return TAIL_RE.search(fixed)


def _quantity_or_zero(text: str) -> Decimal | None:
    """A printed quantity; a misread `0` is kept as zero so the arithmetic can correct it, not dropped."""
    if re.fullmatch(r"[0O]+(?:[,.][0O]+)?", text.strip()):
        return Decimal(0)
    return parse_quantity(text)


def split_item_line(line: str, tail: re.Match[str]) -> ItemLine | None:
    """Name part, quantity spec, amount, whether the arithmetic holds, VAT letter of a line ending in an amount."""
    amount = parse_amount(tail.group("amt"))
    if amount is None:
        return None
    vat = vat_letter(tail.group("vat"))
    rest = line[: tail.start()].rstrip(" *=")
    spec = None
    qm = QTY_X_RE.search(rest)
    if qm:
        qty, unit_price = _quantity_or_zero(qm.group("qty")), parse_amount(qm.group("unit"))
        if qty is not None and unit_price is not None:
            spec = QtySpec(qty, unit_of(qm.group("qunit"), qty), unit_price, 0)
            rest = rest[: qm.start()]
    else:
        qn = _QTY_NOX_RE.search(rest)
        if qn:
            qty, unit_price = parse_quantity(qn.group("qty")), parse_amount(qn.group("unit"))
            if qty is not None and unit_price is not None and q2(qty * unit_price) == amount:
                spec = QtySpec(qty, unit_of(qn.group("qunit"), qty), unit_price, 0)
                rest = rest[: qn.start()]
    holds = spec is not None and q2(spec.qty * spec.unit_price) == amount
    rest = rest.rstrip()
    vm = re.search(r"\s([A-G]|[a-g](?=\W*$))\W?\s*$", rest)
    if vm and (spec is not None or vat is None):
        vat = vat or vm.group(1).upper()
        rest = rest[: vm.start()]
    return ItemLine(rest, spec, amount, holds, vat)


def split_with_thousands(line: str, tail: re.Match[str]) -> ItemLine | None:
    """`split_item_line`, retried with `1 199,00` joined when that makes the arithmetic hold."""
    split = split_item_line(line, tail)
    joined = THOUSANDS_RE.sub(r"\1\2", line)
    if joined != line and (split is None or not split.holds):
        jtail = TAIL_RE.search(joined)
        jsplit = split_item_line(joined, jtail) if jtail else None
        if jsplit is not None and jsplit.holds:
            return jsplit
    return split
