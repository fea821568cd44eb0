"""Parse the text of a Polish fiscal receipt (paragon fiskalny) into a checked, typed receipt.

The parser reads the header (merchant, date), the item block (one- and two-line items, quantities,
discounts) and the summary block (SUMA, VAT, payments), then uses the receipt's own arithmetic to pick
the total, repair a single garbled number, or flag the receipt for review.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from foodsave.receipts.money import NUM, QTY, parse_amount, parse_quantity, q2
from foodsave.text import fold

if TYPE_CHECKING:
    from foodsave.receipts.categorize import Categorizer

ZERO = Decimal("0.00")

# Amount inside an item line (no thousands separator: items above 999 zł are not worth the ambiguity).
_AMT = rf"-?\s?{NUM}{{1,5}}\s?[,.]\s?{NUM}{{2}}"
# Amount in a summary line: thousands separated by a space or a dot are allowed.
_AMT_BIG = rf"-?\s?(?:\d{{1,3}}(?:[ .]\d{{3}})+|{NUM}{{1,7}})\s?[,.]\s?{NUM}{{2}}"
# A VAT letter glued to or following the amount; OCR sometimes reads C as 0/O/(/€ and B as 8.
_VAT = r"[A-Ga-g]|[0O(€©84](?=\s*$)"

_JUNK = r"[^\w\s,.]{0,2}"
_TAIL_RE = re.compile(
    rf"(?:^|(?<=\s)|(?<=[^\W\d_]))(?P<amt>{_AMT})(?:\s*-)?\s*(?:[.,](?=\s*[A-G]))?\s*(?P<vat>{_VAT})?\s*{_JUNK}\s*$"
)
# OCR lost the decimal comma: `1872C` is 18,72 C (only trusted when the line's arithmetic agrees).
_TAIL_NOCOMMA_RE = re.compile(r"(?:^|(?<=\s))(?P<amt>\d{3,5})\s?(?P<vat>[A-G])\W{0,2}$")
_QTY_X_RE = re.compile(
    rf"(?:^|(?<=\s)|(?<=[^\W\d_]))(?P<qty>{QTY})\s*(?P<qunit>szt\.?|kg|l|op\.?)?\s*"
    rf"(?P<x>[x×X*хK])\s*(?P<unit>{_AMT})\s*$"
)
_QTY_NOX_RE = re.compile(rf"(?:^|(?<=\s))(?P<qty>{QTY})\s*(?P<qunit>szt\.?|kg)?\s+(?P<unit>{_AMT})\s*$")
_QTY_ONLY_RE = re.compile(
    rf"^\W{{0,2}}(?P<qty>{QTY})\s*(?P<qunit>szt\.?|kg|l|op\.?)?\s*[x×X*х]\s*(?P<unit>{_AMT})\s*(?P<vat>[A-G])?\s*$"
)
_AMOUNT_ONLY_RE = re.compile(rf"^\W{{0,2}}(?P<amt>{_AMT})(?:\s*-)?\s*(?P<vat>{_VAT})?\s*$")
_SPACED_LETTERS_RE = re.compile(r"(?<![^\s])(?:[^\W\d_] ){2,}[^\W\d_](?![^\s])")
_SUMA_LINE_RE = re.compile(r"^\W*([s5][uv][mn]a|razem|do zaplaty|naleznosc)")
# An amount whose decimal comma OCR dropped, before a VAT letter at the end of an item line: `1249 C`.
_LOST_COMMA_TAIL_RE = re.compile(r"(?<![\d,.])(\d{1,3})(\d{2})(\s*(?:[A-G]|[€©(])\W{0,2})$")
# ... or in a quantity line's unit price: `4* 649`.
_LOST_COMMA_QTY_RE = re.compile(
    r"^(\W{0,2}\d{1,4}(?:[,.]\d{1,3})?\s*(?:szt\.?|kg)?\s*[x×X*]\s*)(\d{1,3})(\d{2})\s*$"
)
_DIGIT_LOOKALIKES = str.maketrans("OolIS", "00115")
_THOUSANDS_RE = re.compile(r"(?<![\d,.])(\d{1,3}) (\d{3}[,.]\d\d)(?!\d)")
_GLUED_AMOUNTS_RE = re.compile(r"(?<=[,.]\d\d)(?=\d{1,4}[,.]\d\d(?!\d))")
_SEPARATOR_RE = re.compile(r"^[\s\-=_*#.~:]*$")

_DISCOUNT_WORDS = (
    "rabat",
    "upust",
    "opust",
    "obnizka",
    "promocja",
    "promo",
    "znizka",
    "taniej",
    "kupon",
    "bonus",
)
_RECEIPT_DISCOUNT_WORDS = ("kupon", "grupow", "na paragon", "lacznie", "laczny", "suma rabat", "od paragonu")
_SUMMARY_START_RE = re.compile(
    r"^\W*(sprzeda|opodatk|ptu\b|[s5][uv][mn]a\b|[s5][uv][mn]a[:.]|razem|do zaplaty|zaplacono|"
    r"gotowka|karta\b|karta plat|platnosc|reszta|wartosc pln|niefiskaln|kwota\s*[a-g]\b)"
)
_HEADER_LINE_RE = re.compile(
    r"(\bnip\b|\bul\.|\bal\.|\bos\.|\bpl\.|\b\d{2}-\d{3}\b|\bsp\.?\s*z\s*o|\bs\.\s?a\.|\bsklep\b|\bnr\s*wydr|\btel\b)",
)
_NOT_NAME_RE = re.compile(
    r"(paragon|fiskaln|\bnip\b|kasjer|\bkasa\b|\bnr\s*(sys|wydr|transakcji)|numer transakcji|"
    r"\bsprzedawca\b|\bterminal\b|\bwydruk\b|podsuma|suma czesc|subtotal|\bnazwa\b.*\b(ilosc|cena|wartosc)\b)"
)

_PAY_CARD_RE = re.compile(r"^\W*(karta|platnosc kart|karta platnicza|blik|przelew|visa|mastercard|bon\b)")
_PAY_CASH_RE = re.compile(r"^\W*(gotowka|gotowka pln)")
_CHANGE_RE = re.compile(r"^\W*reszta")

MERCHANTS: dict[str, tuple[str, ...]] = {
    "biedronka": ("biedronka", "jeronimo martins", "jeronimo"),
    "lidl": ("lidl",),
    "kaufland": ("kaufland",),
    "auchan": ("auchan",),
    "carrefour": ("carrefour",),
    "zabka": ("zabka", "zappka"),
    "netto": ("netto",),
    "dino": ("dino polska", "dino"),
    "lewiatan": ("lewiatan",),
    "stokrotka": ("stokrotka",),
    "rossmann": ("rossmann",),
    "aldi": ("aldi",),
    "polomarket": ("polomarket", "polo market"),
    "intermarche": ("intermarche",),
    "spar": ("eurospar", "spar"),
    "hebe": ("hebe",),
    "tesco": ("tesco",),
    "makro": ("makro",),
    "selgros": ("selgros",),
    "delikatesy_centrum": ("delikatesy centrum",),
    "freshmarket": ("freshmarket", "fresh market"),
    "topaz": ("topaz",),
    "mila": ("mila",),
    "pepco": ("pepco",),
    "leclerc": ("leclerc",),
    "spolem": ("spolem",),
    "groszek": ("groszek",),
    "piotr_i_pawel": ("piotr i pawel",),
    "chata_polska": ("chata polska",),
    "orlen": ("orlen",),
    "circle_k": ("circle k",),
    "shell": ("shell",),
}
# NIPs of the largest chains' operating companies (printed in every header).
MERCHANT_NIPS = {"7791011327": "biedronka", "7811897358": "lidl"}

_VAT_RATES = {"A": Decimal("23"), "B": Decimal("8"), "C": Decimal("5"), "D": Decimal("0")}


@dataclass
class ReceiptItem:
    """One purchased product line, with the arithmetic that produced its total."""

    name_raw: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    discount: Decimal = ZERO
    total: Decimal = ZERO
    vat_letter: str | None = None
    category: str = "other"
    confidence: float = 0.0
    checked: bool = True
    line_no: int = 0
    qty_explicit: bool = False
    unknown_amount: bool = False
    net_printed: Decimal | None = None
    alt_amounts: list[Decimal] = field(default_factory=list)

    def recompute(self) -> None:
        self.total = q2(self.amount + self.discount)


@dataclass
class VatEntry:
    """One VAT letter of the summary block."""

    letter: str
    rate: Decimal | None = None
    taxable: Decimal | None = None
    tax: Decimal | None = None


@dataclass
class ReceiptDiscount:
    """A receipt-level saving (coupon, group discount) that is not tied to one item."""

    label: str
    amount: Decimal


@dataclass
class ParsedReceipt:
    """The result of parsing one receipt."""

    merchant: str = "other"
    merchant_raw: str | None = None
    nip: str | None = None
    date: date | None = None
    time: time | None = None
    total: Decimal | None = None
    currency: str = "PLN"
    vat_summary: dict[str, VatEntry] = field(default_factory=dict)
    total_tax: Decimal | None = None
    items: list[ReceiptItem] = field(default_factory=list)
    receipt_discounts: list[ReceiptDiscount] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    needs_review: bool = False

    @property
    def items_total(self) -> Decimal:
        return q2(
            sum((i.total for i in self.items), ZERO) + sum((d.amount for d in self.receipt_discounts), ZERO)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: Decimals as strings, dates ISO."""

        def conv(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, date | time):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: conv(v) for k, v in value.items()}
            if isinstance(value, list):
                return [conv(v) for v in value]
            return value

        data = asdict(self)
        for item in data["items"]:
            for key in ("qty_explicit", "net_printed", "alt_amounts", "line_no", "unknown_amount"):
                item.pop(key, None)
        return {k: conv(v) for k, v in data.items()}


@dataclass
class _QtySpec:
    qty: Decimal
    unit: str
    unit_price: Decimal
    line_no: int


@dataclass
class _Loose:
    text: str
    amount: Decimal
    line_no: int


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = line.replace("\u00a0", " ").replace("×", "x").replace("–", "-").replace("—", "-").replace("‚", ",")
    # Double-width print read letter by letter: `S U M A  P L N` -> `SUMA PLN`.
    line = _SPACED_LETTERS_RE.sub(lambda m: m.group(0).replace(" ", ""), line.replace("\t", "  "))
    line = re.sub(r"[ \t]+", " ", line)
    return line.strip()


def _unit_of(qunit: str | None, qty: Decimal) -> str:
    if qunit:
        u = qunit.lower().rstrip(".")
        if u in ("kg", "l"):
            return u
        return "szt"
    return "kg" if qty != qty.to_integral_value() else "szt"


class ReceiptParser:
    """Turns OCR or text-layer receipt text into a `ParsedReceipt`."""

    def __init__(self, categorizer: Categorizer | None = None) -> None:
        if categorizer is None:
            from foodsave.receipts.categorize import Categorizer

            categorizer = Categorizer()
        self.categorizer = categorizer

    # ------------------------------------------------------------------ public
    def parse(self, text: str) -> ParsedReceipt:
        lines = [_clean_line(x) for x in text.splitlines()]
        folded = [fold(x) for x in lines]
        result = ParsedReceipt()
        start = self._items_start(lines, folded)
        end = self._items_end(folded, start)
        self._detect_merchant(lines, folded, start, result)
        self._detect_datetime(lines, start, result)
        summary = self._parse_summary(lines[end:], folded[end:], result)
        loose = self._parse_items(lines, folded, start, end, result)
        if not result.items:
            result.warnings.append("no items found")
            result.needs_review = True
        self._reconcile(result, summary, loose)
        for item in result.items:
            item.name = self.categorizer.normalize_name(item.name_raw)
            item.category, item.confidence = self.categorizer.categorize(item.name_raw)
        return result

    # ------------------------------------------------------------------ layout
    def _items_start(self, lines: list[str], folded: list[str]) -> int:
        from rapidfuzz import fuzz

        for i, f in enumerate(folded):
            squashed = re.sub(r"[^a-z]", "", f)
            if 8 <= len(squashed) <= 24 and fuzz.partial_ratio("paragonfiskalny", squashed) >= 80:
                if "niefiskal" not in squashed:
                    return i + 1
        # No PARAGON FISKALNY line: items start after the last header-looking line near the top.
        last_header = -1
        limit = min(len(lines), 15)
        for i in range(limit):
            if _HEADER_LINE_RE.search(folded[i]) or self._find_date(lines[i]) is not None:
                last_header = i
        return last_header + 1

    def _items_end(self, folded: list[str], start: int) -> int:
        for i in range(start, len(folded)):
            if _SUMMARY_START_RE.search(folded[i]) and not folded[i].startswith("suma rabat"):
                return i
        return len(folded)

    # ------------------------------------------------------------------ header
    def _detect_merchant(
        self, lines: list[str], folded: list[str], start: int, result: ParsedReceipt
    ) -> None:
        from rapidfuzz import fuzz

        for i, f in enumerate(folded):
            m = re.search(r"nip\W{0,3}((?:\d[\s-]?){10})", f)
            if m:
                digits = re.sub(r"\D", "", m.group(1))
                result.nip = result.nip or digits
                if digits in MERCHANT_NIPS and result.merchant == "other":
                    result.merchant = MERCHANT_NIPS[digits]
                    result.merchant_raw = lines[i]
        if result.merchant != "other":
            return
        header = list(range(min(max(start, 1), len(folded)))) + list(
            range(min(max(start, 1), len(folded)), len(folded))
        )
        for exact in (True, False):
            for i in header:
                f = folded[i]
                words = re.sub(r"[^a-z0-9 ]", " ", f)
                for brand, patterns in MERCHANTS.items():
                    for p in patterns:
                        if exact:
                            hit = re.search(rf"\b{re.escape(p)}\b", words) is not None
                        else:
                            hit = len(p) >= 5 and i < max(start, 6) and fuzz.partial_ratio(p, words) >= 85
                        if hit:
                            result.merchant = brand
                            result.merchant_raw = lines[i]
                            return

    @staticmethod
    def _find_date(line: str) -> date | None:
        s = line.translate(_DIGIT_LOOKALIKES)
        for m in re.finditer(r"(?<!\d)(\d{4})\s?[-./]\s?(\d{1,2})\s?[-./]\s?(\d{1,2})(?!\d)", s):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
        for m in re.finditer(r"(?<!\d)(\d{1,2})\s?[-./]\s?(\d{1,2})\s?[-./]\s?(\d{4})(?!\d)", s):
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
        return None

    def _detect_datetime(self, lines: list[str], start: int, result: ParsedReceipt) -> None:
        candidates: list[tuple[int, int, date, time | None]] = []
        for i, line in enumerate(lines):
            d = self._find_date(line)
            if d is None or not (2000 <= d.year <= 2100):
                continue
            t = self._find_time(line)
            score = (2 if t else 0) + (2 if i < max(start, 1) + 1 else 0) - (1 if "wazn" in fold(line) else 0)
            candidates.append((score, -i, d, t))
        if candidates:
            candidates.sort(reverse=True)
            _, neg_i, result.date, t = candidates[0]
            if t is None:
                # The time is often printed on a neighbouring line.
                for j in (-neg_i - 1, -neg_i + 1):
                    if 0 <= j < len(lines) and (t := self._find_time(lines[j])):
                        break
            if t is None:
                t = next((x for x in map(self._find_time, lines) if x is not None), None)
            result.time = t
        else:
            result.warnings.append("date not found")

    @staticmethod
    def _find_time(line: str) -> time | None:
        for m in re.finditer(r"(?<![\d,.])([01]?\d|2[0-3])\s?:\s?([0-5]\d)(?::([0-5]\d))?(?![\d,])", line):
            return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
        return None

    # ------------------------------------------------------------------ summary
    def _parse_summary(self, lines: list[str], folded: list[str], result: ParsedReceipt) -> dict[str, Any]:
        suma: list[Decimal] = []
        taxable: dict[str, Decimal] = {}
        exempt: list[Decimal] = []
        card: list[Decimal] = []
        cash: list[Decimal] = []
        change: list[Decimal] = []
        suma_loose: list[Decimal] = []
        for line, f in zip(lines, folded, strict=True):
            amounts = [
                a for a in (parse_amount(m.group(0)) for m in re.finditer(_AMT_BIG, line)) if a is not None
            ]
            if "eur" in f.split() and "pln" not in f:
                result.currency = "EUR"
            if not amounts:
                lost = re.search(r"(?<![\d,.])(\d{3,7})\s*(?:pln|zl)?\W*$", f)
                if lost and _SUMA_LINE_RE.search(f) and "ptu" not in f:
                    # The decimal comma was lost: `SUMA PLN 21438` is most likely 214,38.
                    suma_loose.append(Decimal(f"{lost.group(1)[:-2]}.{lost.group(1)[-2:]}"))
                continue
            last = amounts[-1]
            if re.search(r"sprzeda|opodatk", f):
                m = re.search(r"(?:opodatk|sprzeda)\S*\s*\.?\s*([a-g])\b", f)
                if "zwoln" in f:
                    exempt.append(last)
                elif m:
                    taxable[m.group(1).upper()] = last
                else:
                    taxable.setdefault("?", last)
                continue
            if re.search(r"\bptu\b", f) and re.search(r"[s5][uv][mn]a|razem|lacznie", f):
                result.total_tax = last
                continue
            m = re.search(r"\bptu\s*([a-g])\b", f) or re.search(r"\bvat\s*([a-g])\b", f)
            if m:
                letter = m.group(1).upper()
                entry = result.vat_summary.setdefault(letter, VatEntry(letter))
                rate = re.search(r"(\d{1,2})(?:[,.](\d{1,2}))?\s*%", line)
                if rate:
                    entry.rate = Decimal(f"{rate.group(1)}.{rate.group(2) or '0'}")
                entry.tax = last
                continue
            if _SUMA_LINE_RE.search(f) and "ptu" not in f:
                suma.append(last)
                continue
            if _CHANGE_RE.search(f):
                change.append(last)
            elif _PAY_CASH_RE.search(f):
                cash.append(last)
            elif _PAY_CARD_RE.search(f):
                card.append(last)
        for letter, value in taxable.items():
            if letter == "?":
                continue
            entry = result.vat_summary.setdefault(letter, VatEntry(letter))
            entry.taxable = value
            if entry.rate is None and letter in _VAT_RATES:
                entry.rate = _VAT_RATES[letter]
        return {
            "suma": suma,
            "taxable": taxable,
            "exempt": exempt,
            "card": card,
            "cash": cash,
            "change": change,
        }

    # ------------------------------------------------------------------ items
    def _parse_items(
        self, lines: list[str], folded: list[str], start: int, end: int, result: ParsedReceipt
    ) -> list[_Loose]:
        pending_name: tuple[str, int] | None = None
        pending_qty: _QtySpec | None = None
        loose: list[_Loose] = []
        last_kind = ""  # item | discount | qty | name | other
        items = result.items

        def add_item(
            name: str,
            line_no: int,
            amount: Decimal,
            vat: str | None,
            spec: _QtySpec | None,
            unknown: bool = False,
        ) -> ReceiptItem:
            nonlocal pending_qty
            if spec is None and pending_qty is not None:
                if q2(pending_qty.qty * pending_qty.unit_price) == amount:
                    spec = pending_qty
                pending_qty = None
            item = ReceiptItem(
                name_raw=name,
                name=name,
                quantity=_normal_qty(spec.qty, spec.unit) if spec else Decimal(1),
                unit=spec.unit if spec else "szt",
                unit_price=spec.unit_price if spec else amount,
                amount=amount,
                vat_letter=vat,
                line_no=line_no,
                qty_explicit=spec is not None,
                unknown_amount=unknown,
            )
            if unknown:
                item.checked = False
            if spec is not None:
                self._check_qty(item, result)
            item.recompute()
            items.append(item)
            return item

        def flush_pending() -> None:
            # A name line that never met its amount is a garbled item line: keep a placeholder the totals may fill.
            nonlocal pending_name
            if pending_name is not None:
                add_item(pending_name[0], pending_name[1], ZERO, None, None, unknown=True)
                pending_name = None

        for i in range(start, end):
            line, f = lines[i], folded[i]
            if not line or _SEPARATOR_RE.match(line):
                continue
            line = _GLUED_AMOUNTS_RE.sub(" ", line)
            if not re.search(r"\d[,.]\s?\d\d\W{0,4}[A-Ga-g]?\W{0,2}$", line):
                line = _LOST_COMMA_TAIL_RE.sub(r"\1,\2\3", line)
                line = _LOST_COMMA_QTY_RE.sub(r"\1\2,\3", line)
            # Discount lines: keyword first, or a negative amount at the end of a line with a label.
            head = re.sub(r"^[^a-z]+", "", f)
            is_disc_word = any(head.startswith(w) for w in _DISCOUNT_WORDS) or any(
                w in f for w in ("lidl plus", "kupon", "rabat", "upust", "opust")
            )
            tail = _TAIL_RE.search(line) or self._nocomma_tail(line)
            if tail is not None:
                amount = parse_amount(tail.group("amt"))
                negative = "-" in line[tail.start() :] or bool(re.search(r"-\s*$", line[: tail.start()]))
                if (
                    amount is not None
                    and (is_disc_word or negative)
                    and not _QTY_X_RE.search(line[: tail.start()])
                ):
                    label = line[: tail.start()].strip(" -:")
                    value = -abs(amount)
                    receipt_level = any(w in f for w in _RECEIPT_DISCOUNT_WORDS)
                    if not receipt_level:
                        flush_pending()
                    receipt_level = receipt_level or not items
                    last = items[-1] if items else None
                    if not receipt_level and last is not None and not last.unknown_amount:
                        receipt_level = last.amount + last.discount + value < 0
                    if receipt_level or last is None:
                        result.receipt_discounts.append(ReceiptDiscount(label or "rabat", value))
                    else:
                        last.discount = q2(last.discount + value)
                        last.recompute()
                    last_kind = "discount"
                    continue
            if is_disc_word and tail is None:
                continue
            m = _QTY_ONLY_RE.match(line)
            if m:
                qty = parse_quantity(m.group("qty"))
                unit_price = parse_amount(m.group("unit"))
                if qty is None or unit_price is None:
                    continue
                qspec = _QtySpec(qty, _unit_of(m.group("qunit"), qty), unit_price, i)
                prev = items[-1] if items else None
                fits_prev = prev is not None and not prev.qty_explicit and q2(qty * unit_price) == prev.amount
                if fits_prev and prev is not None:
                    self._apply_spec(prev, qspec, result)
                elif pending_name is not None:
                    pending_qty = qspec
                elif prev is not None and not prev.qty_explicit and last_kind in ("item", "discount"):
                    # Arithmetic does not fit, but layout says it belongs to the item above; keep both readings.
                    pending_qty = qspec
                    self._apply_spec(prev, qspec, result)
                else:
                    pending_qty = qspec
                last_kind = "qty"
                continue
            m = _AMOUNT_ONLY_RE.match(line)
            if m:
                amount = parse_amount(m.group("amt"))
                if amount is None:
                    continue
                vat = _vat_letter(m.group("vat"))
                if last_kind == "discount" and items:
                    last = items[-1]
                    last.net_printed = amount
                    if last.unknown_amount:
                        last.amount, last.unknown_amount = q2(amount - last.discount), False
                        last.unit_price = last.amount
                        last.recompute()
                elif pending_name is not None:
                    add_item(pending_name[0], pending_name[1], amount, vat, None)
                    pending_name = None
                    last_kind = "item"
                    continue
                elif pending_qty is not None and items and last_kind == "qty":
                    add_item("", i, amount, vat, pending_qty)
                    result.warnings.append(f"line {i + 1}: item without a name")
                else:
                    loose.append(_Loose(line, amount, i))
                last_kind = "other"
                continue
            if tail is not None:
                split = self._split_item_line(line, tail)
                joined = _THOUSANDS_RE.sub(r"\1\2", line)
                if joined != line and (split is None or not split[3]):
                    jtail = _TAIL_RE.search(joined)
                    jsplit = self._split_item_line(joined, jtail) if jtail else None
                    if jsplit is not None and jsplit[3]:
                        split = jsplit
                if split is None:
                    continue
                rest, spec, amount, _, vat = split
                name = _clean_name(rest)
                letters = len(re.findall(r"[^\W\d_]", name))
                if letters < 2 or _NOT_NAME_RE.search(fold(name)):
                    if pending_name is not None:
                        add_item(pending_name[0], pending_name[1], amount, vat, spec)
                        pending_name = None
                        last_kind = "item"
                    elif spec is not None:
                        add_item(name, i, amount, vat, spec)
                        result.warnings.append(f"line {i + 1}: item without a name")
                        last_kind = "item"
                    else:
                        loose.append(_Loose(line, amount, i))
                        last_kind = "other"
                    continue
                if pending_name is not None and spec is None and len(name) <= 3:
                    name = f"{pending_name[0]} {name}".strip()
                    pending_name = None
                flush_pending()
                add_item(name, i, amount, vat, spec)
                last_kind = "item"
                continue
            # Name-only line (first half of a two-line item), unless it is clearly not a product.
            letters = len(re.findall(r"[^\W\d_]", line))
            looks_like_header = self._find_date(line) is not None or self._find_time(line) is not None
            if letters >= 2 and not _NOT_NAME_RE.search(f) and not looks_like_header:
                flush_pending()
                pending_name = (_clean_name(line), i)
                last_kind = "name"
            else:
                last_kind = "other"
        if pending_name is not None and re.search(r"\d", pending_name[0]):
            flush_pending()
        return loose

    @staticmethod
    def _split_item_line(
        line: str, tail: re.Match[str]
    ) -> tuple[str, _QtySpec | None, Decimal, bool, str | None] | None:
        """(name part, quantity spec, amount, arithmetic holds, VAT letter) of a line ending in an amount."""
        amount = parse_amount(tail.group("amt"))
        if amount is None:
            return None
        vat = _vat_letter(tail.group("vat"))
        rest = line[: tail.start()].rstrip(" *=")
        spec = None
        qm = _QTY_X_RE.search(rest)
        if qm:
            qty, unit_price = parse_quantity(qm.group("qty")), parse_amount(qm.group("unit"))
            if qty is not None and unit_price is not None:
                spec = _QtySpec(qty, _unit_of(qm.group("qunit"), qty), unit_price, 0)
                rest = rest[: qm.start()]
        else:
            qn = _QTY_NOX_RE.search(rest)
            if qn:
                qty, unit_price = parse_quantity(qn.group("qty")), parse_amount(qn.group("unit"))
                if qty is not None and unit_price is not None and q2(qty * unit_price) == amount:
                    spec = _QtySpec(qty, _unit_of(qn.group("qunit"), qty), unit_price, 0)
                    rest = rest[: qn.start()]
        holds = spec is not None and q2(spec.qty * spec.unit_price) == amount
        rest = rest.rstrip()
        vm = re.search(r"\s([A-G]|[a-g](?=\W*$))\W?\s*$", rest)
        if vm and (spec is not None or vat is None):
            vat = vat or vm.group(1).upper()
            rest = rest[: vm.start()]
        return rest, spec, amount, holds, vat

    @staticmethod
    def _nocomma_tail(line: str) -> re.Match[str] | None:
        m = _TAIL_NOCOMMA_RE.search(line)
        if m is None:
            return None
        digits = m.group("amt")
        fixed = f"{line[: m.start('amt')]}{digits[:-2]},{digits[-2:]}{line[m.end('amt') :]}"
        qm = _QTY_X_RE.search(fixed[: m.start("amt")].rstrip())
        if qm is None:
            return None
        qty, unit = parse_quantity(qm.group("qty")), parse_amount(qm.group("unit"))
        if qty is None or unit is None or q2(qty * unit) != Decimal(f"{digits[:-2]}.{digits[-2:]}"):
            return None
        return _TAIL_RE.search(fixed)

    def _apply_spec(self, item: ReceiptItem, spec: _QtySpec, result: ParsedReceipt) -> None:
        item.quantity, item.unit, item.unit_price, item.qty_explicit = (
            spec.qty,
            spec.unit,
            spec.unit_price,
            True,
        )
        self._check_qty(item, result)

    @staticmethod
    def _check_qty(item: ReceiptItem, result: ParsedReceipt) -> None:
        expected = q2(item.quantity * item.unit_price)
        if expected != item.amount:
            item.checked = False
            item.alt_amounts.append(expected)

    # ------------------------------------------------------------------ arithmetic
    def _reconcile(self, result: ParsedReceipt, summary: dict[str, Any], loose: list[_Loose]) -> None:
        items = result.items
        # Item-level: a printed net after a discount must equal amount + discount.
        for item in items:
            if item.net_printed is not None and q2(item.amount + item.discount) != item.net_printed:
                item.checked = False
        unknowns = [i for i in items if i.unknown_amount]
        computed = result.items_total
        total = self._choose_total(result, summary, None if unknowns else computed)
        result.total = total
        if total is None:
            for u in unknowns:
                items.remove(u)
            result.total = result.items_total if items else None
            result.warnings.append("total (SUMA) not found")
            result.needs_review = True
            return
        if unknowns:
            self._fill_unknowns(result, unknowns, q2(total - computed))
            computed = result.items_total
        if computed == total:
            return
        fix = self._find_fix(result, total, loose)
        if fix is not None:
            result.warnings.append(fix)
            if result.items_total == total:
                return
        result.needs_review = True
        result.warnings.append(f"items sum {result.items_total} does not match total {total}")

    def _fill_unknowns(self, result: ParsedReceipt, unknowns: list[ReceiptItem], diff: Decimal) -> None:
        """Give garbled item lines the amounts the totals leave for them, checked against their own digits."""
        from itertools import product

        options: list[list[Decimal]] = []
        for u in unknowns:
            text = u.name_raw.translate(_DIGIT_LOOKALIKES)
            found = {a for a in (parse_amount(m.group(0)) for m in re.finditer(_AMT, text)) if a and a > 0}
            for run in re.findall(r"\d{3,6}", text):
                found.add(Decimal(f"{run[:-2]}.{run[-2:]}"))
            options.append([ZERO, *sorted(found)])
        chosen: list[Decimal] | None = None
        if len(unknowns) <= 4:
            fits = [combo for combo in product(*options) if q2(sum(combo, ZERO)) == diff]
            if len(fits) == 1:
                chosen = list(fits[0])
        verified = chosen is not None
        if chosen is None and len(unknowns) == 1 and diff > 0:
            chosen = [diff]
        for u, value in zip(unknowns, chosen or [ZERO] * len(unknowns), strict=True):
            if value == ZERO and not u.discount:
                result.items.remove(u)
                continue
            u.amount = u.unit_price = value
            u.unknown_amount = False
            u.recompute()
            result.warnings.append(
                f"line {u.line_no + 1}: unreadable amount taken as {value} from the totals"
            )
            if not verified:
                result.needs_review = True
            # The name still carries the garbled numbers; keep the leading words only.
            u.name_raw = re.split(r"\s+(?=\S*\d[\d,.]*\S*\s*[A-Ga-g]?\W*$)|\s{2,}", u.name_raw)[0].strip()

    def _choose_total(
        self, result: ParsedReceipt, summary: dict[str, Any], computed: Decimal | None
    ) -> Decimal | None:
        votes: Counter[Decimal] = Counter()
        suma: list[Decimal] = [s for s in summary["suma"] if s > 0]
        for s in suma:
            votes[s] += 3
        for s in summary.get("suma_loose", []):
            votes[s] += 1
        taxable: dict[str, Decimal] = summary["taxable"]
        if taxable:
            votes[q2(sum(taxable.values(), ZERO) + sum(summary["exempt"], ZERO))] += 2
        for c in summary["card"]:
            votes[c] += 2
        if summary["cash"]:
            paid = summary["cash"][0] - (summary["change"][0] if summary["change"] else ZERO)
            votes[q2(paid)] += 1
        if result.items and computed is not None:
            votes[computed] += 2
        if not votes:
            return None
        best = max(votes.items(), key=lambda kv: (kv[1], kv[0] in suma))
        if suma and best[0] not in suma:
            result.warnings.append(f"SUMA {suma[0]} disagrees with the other totals; using {best[0]}")
        if not suma:
            result.warnings.append("SUMA line not found; total taken from other lines")
            if best[1] < 4:
                # Only one source (e.g. the items alone) vouches for this total.
                result.needs_review = True
        return best[0]

    def _find_fix(self, result: ParsedReceipt, total: Decimal, loose: list[_Loose]) -> str | None:
        items = result.items
        diff = q2(total - result.items_total)
        candidates: list[tuple[ReceiptItem, str, Decimal]] = []
        for item in items:
            for alt in item.alt_amounts:
                if q2(alt - item.amount) == diff:
                    candidates.append((item, "amount", alt))
            if item.net_printed is not None and q2(item.net_printed - item.total) == diff:
                candidates.append((item, "discount", q2(item.net_printed - item.amount)))
            if item.discount and q2(-item.discount) == diff:
                candidates.append((item, "discount", ZERO))
        if not candidates:
            for item in items:
                alt = q2(item.amount + diff)
                if alt > 0 and _one_digit_apart(item.amount, alt):
                    candidates.append((item, "digit", alt))
        if len(candidates) > 1:
            candidates = self._prefer_by_vat(result, candidates, diff) or candidates
        if len(candidates) == 1:
            item, what, value = candidates[0]
            old_amount, old_discount = item.amount, item.discount
            if what == "discount":
                item.discount = value
                item.recompute()
                item.checked = False
                return f"line {item.line_no + 1}: discount {old_discount} corrected to {value} by the totals"
            item.amount = value
            if item.quantity:
                expected = q2(item.quantity * item.unit_price)
                if expected != value:
                    item.unit_price = q2(value / item.quantity) if not item.qty_explicit else item.unit_price
            item.recompute()
            item.checked = False
            return f"line {item.line_no + 1}: amount {old_amount} corrected to {value} by the totals"
        matches = [lo for lo in loose if lo.amount == diff]
        if len(matches) == 1:
            lo = matches[0]
            name = re.sub(_AMT, "", lo.text).strip(" .:-*") or "?"
            item = ReceiptItem(
                name, name, Decimal(1), "szt", lo.amount, lo.amount, line_no=lo.line_no, checked=False
            )
            item.recompute()
            items.append(item)
            items.sort(key=lambda x: x.line_no)
            return f"line {lo.line_no + 1}: recovered as an item by the totals"
        return None

    @staticmethod
    def _prefer_by_vat(
        result: ParsedReceipt, candidates: list[tuple[ReceiptItem, str, Decimal]], diff: Decimal
    ) -> list[tuple[ReceiptItem, str, Decimal]]:
        bad_letters = set()
        for letter, entry in result.vat_summary.items():
            if entry.taxable is None:
                continue
            group = q2(sum((i.total for i in result.items if i.vat_letter == letter), ZERO))
            if q2(entry.taxable - group) == diff:
                bad_letters.add(letter)
        return [c for c in candidates if c[0].vat_letter in bad_letters]


def _clean_name(text: str) -> str:
    """Drop OCR specks around a product name: leading quotes, bars, commas; trailing separators."""
    text = re.sub(r"^[^\w(]+", "", text)
    return text.rstrip(" :-*|,_~")


def _normal_qty(qty: Decimal, unit: str) -> Decimal:
    """Pieces printed as `1,000` become 1; weights keep their printed precision."""
    if unit == "szt" and qty == qty.to_integral_value():
        return qty.quantize(Decimal(1))
    return qty


def _vat_letter(raw: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.upper()
    if raw in "ABCDEFG":
        return raw
    return {"0": "C", "O": "C", "(": "C", "€": "C", "©": "C", "8": "B", "4": "A"}.get(raw)


def _one_digit_apart(a: Decimal, b: Decimal) -> bool:
    sa, sb = f"{a:.2f}", f"{b:.2f}"
    if len(sa) != len(sb):
        return False
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


__all__ = ["ParsedReceipt", "ReceiptDiscount", "ReceiptItem", "ReceiptParser", "VatEntry", "fold"]
