"""The item block, read line by line: each line is a discount, a quantity line, a bare amount, an item line,
or the name half of a two-line item. `ItemReader` keeps the little state this needs (a pending name or
quantity) as attributes; each kind of line has its own step."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from foodsave.receipts.money import parse_amount, parse_quantity, q2
from foodsave.receipts.parsing.header import find_date, find_time
from foodsave.receipts.parsing.lines import (
    AMOUNT_ONLY_RE,
    QTY_ONLY_RE,
    QTY_X_RE,
    SEPARATOR_RE,
    QtySpec,
    clean_name,
    find_tail,
    repair_amounts,
    split_with_thousands,
    unit_of,
    vat_letter,
)
from foodsave.receipts.parsing.model import ZERO, ParsedReceipt, ReceiptDiscount, ReceiptItem
from foodsave.text import fold

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
_DISCOUNT_ANYWHERE = ("lidl plus", "kupon", "rabat", "upust", "opust")
_RECEIPT_DISCOUNT_WORDS = ("kupon", "grupow", "na paragon", "lacznie", "laczny", "suma rabat", "od paragonu")
NOT_NAME_RE = re.compile(
    r"(paragon|fiskaln|\bnip\b|kasjer|\bkasa\b|\bnr\s*(sys|wydr|transakcji)|numer transakcji|"
    r"\bsprzedawca\b|\bterminal\b|\bwydruk\b|podsuma|suma czesc|subtotal|\bnazwa\b.*\b(ilosc|cena|wartosc)\b|"
    r"strona\s*\d|zaoszczedz|oszczedzasz|oszczednosc|punkt|www\.|http|aplikacj|dziekujemy|zapraszamy|"
    r"kaufland card|moja biedronka|karta klubowa)"
)
# An app's promotion id printed as the discount's label: `950_5501028_5515945_mix -23,00`.
_PROMO_CODE_RE = re.compile(r"^\W*\d{2,}(?:_\w+)+")


@dataclass
class Loose:
    """An amount in the item block that no item claimed; the totals may later prove it is one."""

    text: str
    amount: Decimal
    line_no: int


class ItemReader:
    """Reads the item block of one receipt into `result.items`, `result.receipt_discounts` and loose amounts."""

    def __init__(self, result: ParsedReceipt) -> None:
        self.result = result
        self.items = result.items
        self.pending_name: tuple[str, int] | None = None
        self.pending_qty: QtySpec | None = None
        self.loose: list[Loose] = []
        self.last_kind = ""  # item | discount | qty | name | other

    def read(self, lines: list[str], folded: list[str], start: int, end: int) -> list[Loose]:
        for i in range(start, end):
            line = lines[i]
            if not line or SEPARATOR_RE.match(line):
                continue
            self.read_line(repair_amounts(line), folded[i], i)
        if self.pending_name is not None and re.search(r"\d", self.pending_name[0]):
            self.flush_pending()
        return self.loose

    def read_line(self, line: str, f: str, i: int) -> None:
        tail = find_tail(line)
        is_disc_word = _is_discount_word(f)
        if tail is not None and self.read_discount(line, f, i, tail, is_disc_word):
            return
        if is_disc_word and tail is None:
            return
        if self.read_qty_line(line, i) or self.read_amount_line(line, i):
            return
        if tail is not None:
            self.read_item_line(line, i, tail)
            return
        self.read_name_line(line, f, i)

    # ------------------------------------------------------------------ steps, one per kind of line
    def read_discount(self, line: str, f: str, i: int, tail: re.Match[str], is_word: bool) -> bool:
        """`Rabat -2,30`, a negative amount with a label, or a promotion code: attach it to its item."""
        amount = parse_amount(tail.group("amt"))
        negative = "-" in line[tail.start() :] or bool(re.search(r"-\s*$", line[: tail.start()]))
        if amount is None or not (is_word or negative) or QTY_X_RE.search(line[: tail.start()]):
            return False
        label = line[: tail.start()].strip(" -:")
        value = -abs(amount)
        receipt_level = any(w in f for w in _RECEIPT_DISCOUNT_WORDS)
        if not receipt_level:
            self.flush_pending()
        target = None if receipt_level else self._discount_target(label)
        if target is not None and not target.unknown_amount and target.amount + target.discount + value < 0:
            target = None
        if target is None:
            self.result.receipt_discounts.append(ReceiptDiscount(label or "rabat", value))
        else:
            target.discount = q2(target.discount + value)
            target.recompute()
        self.last_kind = "discount"
        return True

    def _discount_target(self, label: str) -> ReceiptItem | None:
        """The item a discount names (`Rabat ORZESZKI W 492359C`), else the item just above it."""
        if not self.items:
            return None
        named = re.sub(r"^\W*(rabat|upust|opust|obnizka|promocja|promo)\b", "", fold(label)).strip()
        named = clean_name(named).strip()
        if len(re.findall(r"[a-z]", named)) >= 4 and not _PROMO_CODE_RE.match(named):
            for item in reversed(self.items):
                if fold(item.name_raw).startswith(named) or named.startswith(fold(item.name_raw)):
                    return item
        return self.items[-1]

    def read_qty_line(self, line: str, i: int) -> bool:
        """`2 x 3,49` on its own line: the quantity of the item above, or of the next one."""
        m = QTY_ONLY_RE.match(line)
        if m is None:
            return False
        qty, unit_price = parse_quantity(m.group("qty")), parse_amount(m.group("unit"))
        if qty is None or unit_price is None:
            return True
        spec = QtySpec(qty, unit_of(m.group("qunit"), qty), unit_price, i)
        prev = self.items[-1] if self.items else None
        fits_prev = prev is not None and not prev.qty_explicit and q2(qty * unit_price) == prev.amount
        if fits_prev and prev is not None:
            apply_spec(prev, spec)
        elif self.pending_name is not None:
            self.pending_qty = spec
        elif prev is not None and not prev.qty_explicit and self.last_kind in ("item", "discount"):
            # Arithmetic does not fit, but layout says it belongs to the item above; keep both readings.
            self.pending_qty = spec
            apply_spec(prev, spec)
        else:
            self.pending_qty = spec
        self.last_kind = "qty"
        return True

    def read_amount_line(self, line: str, i: int) -> bool:
        """A bare amount: the net after a discount, the amount of a pending name, or a loose amount."""
        m = AMOUNT_ONLY_RE.match(line)
        if m is None:
            return False
        amount = parse_amount(m.group("amt"))
        if amount is None:
            return True
        vat = vat_letter(m.group("vat"))
        if self.last_kind == "discount" and self.items:
            last = self.items[-1]
            last.net_printed = amount
            if last.unknown_amount:
                last.amount, last.unknown_amount = q2(amount - last.discount), False
                last.unit_price = last.amount
                last.recompute()
        elif self.pending_name is not None:
            name, line_no = self.pending_name
            self.pending_name = None
            self.add_item(name, line_no, amount, vat, None)
            self.last_kind = "item"
            return True
        elif self.pending_qty is not None and self.items and self.last_kind == "qty":
            self.add_item("", i, amount, vat, self.pending_qty)
            self.result.warnings.append(f"line {i + 1}: item without a name")
        else:
            self.loose.append(Loose(line, amount, i))
        self.last_kind = "other"
        return True

    def read_item_line(self, line: str, i: int, tail: re.Match[str]) -> None:
        """`NAME [VAT] [qty x unit] amount[VAT]`; a nameless one completes a pending name."""
        split = split_with_thousands(line, tail)
        if split is None:
            return
        name = clean_name(split.name)
        letters = len(re.findall(r"[^\W\d_]", name))
        if letters < 2 or NOT_NAME_RE.search(fold(name)):
            if self.pending_name is not None:
                pending, line_no = self.pending_name
                self.pending_name = None
                self.add_item(pending, line_no, split.amount, split.vat, split.spec)
                self.last_kind = "item"
            elif split.spec is not None:
                self.add_item(name, i, split.amount, split.vat, split.spec)
                self.result.warnings.append(f"line {i + 1}: item without a name")
                self.last_kind = "item"
            else:
                self.loose.append(Loose(line, split.amount, i))
                self.last_kind = "other"
            return
        if self.pending_name is not None and split.spec is None and len(name) <= 3:
            name = f"{self.pending_name[0]} {name}".strip()
            self.pending_name = None
        self.flush_pending()
        self.add_item(name, i, split.amount, split.vat, split.spec)
        self.last_kind = "item"

    def read_name_line(self, line: str, f: str, i: int) -> None:
        """A line of letters only: the first half of a two-line item, unless it is clearly not a product."""
        letters = len(re.findall(r"[^\W\d_]", line))
        looks_like_header = find_date(line) is not None or find_time(line) is not None
        if letters >= 2 and not NOT_NAME_RE.search(f) and not looks_like_header:
            self.flush_pending()
            self.pending_name = (clean_name(line), i)
            self.last_kind = "name"
        else:
            self.last_kind = "other"

    # ------------------------------------------------------------------ building items
    def add_item(
        self,
        name: str,
        line_no: int,
        amount: Decimal,
        vat: str | None,
        spec: QtySpec | None,
        unknown: bool = False,
    ) -> ReceiptItem:
        if spec is None and self.pending_qty is not None:
            if q2(self.pending_qty.qty * self.pending_qty.unit_price) == amount:
                spec = self.pending_qty
            self.pending_qty = None
        item = ReceiptItem(
            name_raw=name,
            name=name,
            quantity=spec.qty if spec else Decimal(1),
            unit=spec.unit if spec else "szt",
            unit_price=spec.unit_price if spec else amount,
            amount=amount,
            vat_letter=vat,
            line_no=line_no,
            qty_explicit=spec is not None,
            unknown_amount=unknown,
            checked=not unknown,
        )
        if spec is not None:
            check_qty(item)
        item.recompute()
        self.items.append(item)
        return item

    def flush_pending(self) -> None:
        """A name line that never met its amount is a garbled item line: a placeholder the totals may fill."""
        if self.pending_name is not None:
            name, line_no = self.pending_name
            self.pending_name = None
            self.add_item(name, line_no, ZERO, None, None, unknown=True)


def _is_discount_word(f: str) -> bool:
    head = re.sub(r"^[^a-z]+", "", f)
    return (
        any(head.startswith(w) for w in _DISCOUNT_WORDS)
        or any(w in f for w in _DISCOUNT_ANYWHERE)
        or bool(_PROMO_CODE_RE.match(f))
    )


def apply_spec(item: ReceiptItem, spec: QtySpec) -> None:
    item.quantity, item.unit, item.unit_price, item.qty_explicit = spec.qty, spec.unit, spec.unit_price, True
    check_qty(item)


def check_qty(item: ReceiptItem) -> None:
    """Mark an item whose qty x unit price is not its amount, keeping the product as an alternative reading."""
    expected = q2(item.quantity * item.unit_price)
    if expected != item.amount:
        item.checked = False
        item.alt_amounts.append(expected)
