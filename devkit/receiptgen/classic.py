"""Classic paragon layouts of ten chains as text lines (one-line, two-line, star and simple item rows)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from devkit.receiptgen.catalog import (
    DATE_FORMATS,
    HEADERS,
    PRODUCTS,
    STYLES,
    VAT_BY_CATEGORY,
    VAT_RATES,
    pl,
    q2,
)


@dataclass
class SynthItem:
    name_raw: str
    category: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    discount: Decimal
    total: Decimal
    vat: str


@dataclass
class SynthReceipt:
    merchant: str
    style: str
    date: date
    time: str
    items: list[SynthItem]
    receipt_discounts: list[tuple[str, Decimal]]
    total: Decimal
    lines: list[tuple[str, str]] = field(default_factory=list)  # (left, right) per printed line
    width: int = 40

    def text(self) -> str:
        out = []
        for left, right in self.lines:
            if right == "<center>":
                out.append(left.center(self.width).rstrip())
                continue
            gap = max(1, self.width - len(left) - len(right))
            out.append((left + " " * gap + right).rstrip())
        return "\n".join(out) + "\n"

    def truth(self) -> dict[str, Any]:
        return {
            "merchant": self.merchant,
            "date": self.date.isoformat(),
            "total": str(self.total),
            "items": [
                {
                    "name_raw": i.name_raw,
                    "category": i.category,
                    "quantity": str(i.quantity),
                    "unit_price": str(i.unit_price),
                    "discount": str(i.discount),
                    "total": str(i.total),
                }
                for i in self.items
            ],
        }


def generate_receipt(
    rng: random.Random, merchant: str | None = None, day: date | None = None
) -> SynthReceipt:
    """A random but arithmetically correct receipt in the merchant's layout, dated `day` when given."""
    merchant = merchant or rng.choice(list(HEADERS))
    style = STYLES[merchant]
    n_items = rng.randint(3, 16)
    width = rng.choice((32, 36, 40, 42, 48))
    drawn = date(2024, 1, 1) + timedelta(days=rng.randint(0, 600))
    day = day or drawn
    clock = f"{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}"
    items: list[SynthItem] = []
    for product, category, price, weighed in rng.sample(PRODUCTS, n_items):
        base = Decimal(price) * Decimal(rng.choice(("0.8", "0.9", "1", "1", "1.1", "1.25")))
        unit_price = q2(base)
        if weighed:
            quantity = Decimal(rng.randint(150, 2400)) / Decimal(1000)
            unit = "kg"
        else:
            quantity = Decimal(rng.choice((1, 1, 1, 1, 2, 2, 3, 4, 6)))
            unit = "szt"
        amount = q2(quantity * unit_price)
        discount = Decimal("0.00")
        if rng.random() < 0.18 and amount > Decimal("2"):
            discount = -q2(amount * Decimal(rng.choice(("0.1", "0.2", "0.25", "0.3", "0.5"))))
        vat = VAT_BY_CATEGORY.get(category, rng.choice("CCCB"))
        items.append(
            SynthItem(
                product, category, quantity, unit, unit_price, amount, discount, q2(amount + discount), vat
            )
        )
    receipt_discounts: list[tuple[str, Decimal]] = []
    subtotal = sum((i.total for i in items), Decimal("0"))
    if rng.random() < 0.2 and subtotal > 20:
        label = {"lidl": "Lidl Plus kupon", "biedronka": "Rabat Moja Biedronka kupon"}.get(
            merchant, "Rabat grupowy"
        )
        receipt_discounts.append((label, -q2(Decimal(rng.choice(("1.50", "3.00", "3.89", "5.00"))))))
    total = q2(subtotal + sum((d for _, d in receipt_discounts), Decimal("0")))
    r = SynthReceipt(merchant, style, day, clock, items, receipt_discounts, total, width=width)
    layout(r, rng)
    return r


def layout(r: SynthReceipt, rng: random.Random) -> None:
    lines = r.lines
    for h in HEADERS[r.merchant]:
        lines.append((h, "<center>"))
    date_text = r.date.strftime(rng.choice(DATE_FORMATS))
    if rng.random() < 0.5:
        lines.append((f"{date_text} {r.time}", f"nr wydr.{rng.randint(1000, 99999)}"))
    else:
        lines.append((date_text, f"{r.time}"))
    lines.append(("PARAGON FISKALNY", "<center>"))
    lines.append(("-" * (r.width - 4), "<center>"))
    by_letter: dict[str, Decimal] = {}
    for item in r.items:
        qty = _qty_text(item)
        amt = pl(item.amount)
        x = rng.choice(("x", "x", " x ", "*")) if r.style != "one_star" else "*"
        if r.style == "one":
            lines.append((item.name_raw[:22], f"{item.vat} {qty} {x}{pl(item.unit_price)} {amt}{item.vat}"))
        elif r.style == "one_star":
            lines.append((item.name_raw[:22], f"{qty}{x}{pl(item.unit_price)} {amt} {item.vat}"))
        elif r.style == "one_simple":
            if item.quantity == 1:
                lines.append((item.name_raw[:24], f"{amt} {item.vat}"))
            else:
                lines.append((item.name_raw[:24], f"{qty} x{pl(item.unit_price)} {amt} {item.vat}"))
        elif r.style == "two_after":
            lines.append((item.name_raw[:26], f"{amt} {item.vat}"))
            if item.quantity != 1:
                lines.append((f"  {qty} {x} {pl(item.unit_price)}", ""))
        else:  # two_before
            lines.append((item.name_raw[:30], ""))
            lines.append((f"   {qty} x {pl(item.unit_price)}", f"{amt} {item.vat}"))
        if item.discount:
            word = rng.choice(("Rabat", "Rabat", "Upust", "Opust", "Obniżka", "Promocja"))
            lines.append((f"  {word}", f"-{pl(-item.discount)} {item.vat}"))
            if rng.random() < 0.7:
                lines.append(("", f"{pl(item.total)} {item.vat}"))
        by_letter[item.vat] = by_letter.get(item.vat, Decimal("0")) + item.total
    for label, value in r.receipt_discounts:
        lines.append((label, f"-{pl(-value)}"))
        # Receipt-level discounts come off the highest-rated letter here (enough for consistent sums).
        letter = max(by_letter, key=lambda k: by_letter[k])
        by_letter[letter] += value
    lines.append(("-" * (r.width - 4), "<center>"))
    tax_total = Decimal("0")
    for letter in sorted(by_letter):
        gross = q2(by_letter[letter])
        rate = VAT_RATES[letter]
        tax = q2(gross * rate / (1 + rate))
        tax_total += tax
        lines.append((f"Sprzedaż opodatk. {letter}", pl(gross)))
        lines.append((f"PTU {letter} {rate * 100:.2f}%".replace(".", ","), pl(tax)))
    lines.append(("Suma PTU", pl(tax_total)))
    lines.append((rng.choice(("SUMA PLN", "SUMA PLN", "SUMA:", "SUMA")), pl(r.total)))
    if rng.random() < 0.6:
        lines.append(("Karta płatnicza", pl(r.total)))
    else:
        paid = q2(r.total + Decimal(rng.randint(0, 50)))
        lines.append(("Gotówka", pl(paid)))
        lines.append(("Reszta", pl(paid - r.total)))
    lines.append(
        (f"{rng.randint(10000, 99999)} #Kasa {rng.randint(1, 9)}", f"Kasjer nr {rng.randint(1, 40)}")
    )
    lines.append((f"{r.date.isoformat()} {r.time}", "<center>"))
    lines.append((f"BWR {rng.randint(10**9, 10**10 - 1)}", "<center>"))


def _qty_text(item: SynthItem) -> str:
    if item.unit == "kg":
        return f"{item.quantity:.3f}".replace(".", ",")
    return str(int(item.quantity))
