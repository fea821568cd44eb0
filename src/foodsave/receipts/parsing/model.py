"""What the receipt parser produces: items, VAT entries, receipt-level discounts and line-level review flags."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from foodsave.receipts.money import q2

ZERO = Decimal("0.00")


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


@dataclass(frozen=True)
class ReviewFlag:
    """A check the receipt failed: which one (`code`), on which printed line (1-based, when known), and why."""

    code: str
    message: str
    line: int | None = None


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
    flags: list[ReviewFlag] = field(default_factory=list)
    needs_review: bool = False

    @property
    def status(self) -> str:
        return "needs_review" if self.needs_review else "parsed"

    @property
    def items_total(self) -> Decimal:
        return q2(
            sum((i.total for i in self.items), ZERO) + sum((d.amount for d in self.receipt_discounts), ZERO)
        )

    def flag(self, code: str, message: str, line_no: int | None = None) -> None:
        """Record a failed check (`line_no` is 0-based in the text) and send the receipt to review."""
        line = None if line_no is None else line_no + 1
        text = f"line {line}: {message}" if line is not None else message
        self.flags.append(ReviewFlag(code, text, line))
        self.warnings.append(text)
        self.needs_review = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: Decimals as strings, dates ISO."""
        data = asdict(self)
        for item in data["items"]:
            for key in ("qty_explicit", "net_printed", "alt_amounts", "line_no", "unknown_amount"):
                item.pop(key, None)
        data["status"] = self.status
        return {k: _json_ready(v) for k, v in data.items()}


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value
