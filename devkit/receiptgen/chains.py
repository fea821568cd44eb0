"""Today's receipts of five chains, as text lines, described from what the shops actually send:

- `biedronka_app`: the Biedronka app's two-page, non-fiscal PDF (legal name and NIP, no brand text; rows
  `NAME  A  1.000 x 18,99  18,99`; `Rabat -4,00` then the net in bold; page footers; VAT blocks; SUMA; card).
- `kaufland_app`: Kaufland's "Podsumowanie zakupów": one price column, a repeated row per piece, `Ogółem`,
  a VAT table row per letter, a Kaufland Card saving line, and the date and hour at the bottom.
- `auchan_app`: Auchan's white-on-black e-receipt: the date alone, article codes glued to names with the VAT
  letter, `0,304 x33,89 10,30C`, and discounts that name an earlier article.
- `lidl_plus`: the Lidl Plus app screenshot: ISO date, `10 * 4,59 45,… A` rows whose long amounts the app
  cuts, promotion rows under the item they discount, `PTU A` / `Kwota A` pairs, `Razem`, marketing text.
- `lidl_paper`, `dino_dots`, `dino_commas`: the paper receipts of Lidl and Dino's two printer layouts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from devkit.receiptgen.catalog import PRODUCTS, VAT_BY_CATEGORY, VAT_RATES, pl, q2
from devkit.receiptgen.classic import SynthItem, SynthReceipt

CENTER = "<center>"
EXTRAS = ("", "B")  # right-hand markers: plain, or bold for the line (the net after a discount)


def draw_items(
    rng: random.Random, n: int, *, discounts: bool = True, weighed: bool = True
) -> list[SynthItem]:
    """`n` products with quantities, optional per-item discounts and VAT letters; arithmetic exact."""
    items = []
    for name, category, price, by_weight in rng.sample(PRODUCTS, n):
        unit_price = q2(Decimal(price) * Decimal(rng.choice(("0.9", "1", "1", "1.1"))))
        if by_weight and weighed:
            qty, unit = Decimal(rng.randint(150, 2400)) / 1000, "kg"
        else:
            qty, unit = Decimal(rng.choice((1, 1, 1, 2, 2, 3, 4, 10))), "szt"
        amount = q2(qty * unit_price)
        discount = Decimal("0.00")
        if discounts and rng.random() < 0.25 and amount > 3:
            discount = -q2(amount * Decimal(rng.choice(("0.2", "0.3", "0.5"))))
        vat = VAT_BY_CATEGORY.get(category, rng.choice("CCCB"))
        items.append(
            SynthItem(name, category, qty, unit, unit_price, amount, discount, q2(amount + discount), vat)
        )
    return items


def _receipt(
    rng: random.Random, merchant: str, style: str, items: list[SynthItem], width: int
) -> SynthReceipt:
    day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
    clock = f"{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}"
    total = q2(sum((i.total for i in items), Decimal("0")))
    return SynthReceipt(merchant, style, day, clock, items, [], total, width=width)


def _printed(item: SynthItem, name: str) -> str:
    """The name as the receipt prints it (cut, glued, upper-cased) becomes the item's expected name."""
    item.name_raw = name.rstrip()
    return item.name_raw


def _vat_groups(items: list[SynthItem]) -> dict[str, tuple[Decimal, Decimal]]:
    """Per VAT letter: (gross, tax) with tax = gross x rate / (1 + rate)."""
    gross: dict[str, Decimal] = {}
    for i in items:
        gross[i.vat] = gross.get(i.vat, Decimal("0")) + i.total
    return {k: (q2(v), q2(v * VAT_RATES[k] / (1 + VAT_RATES[k]))) for k, v in sorted(gross.items())}


def _qty3(item: SynthItem, sep: str) -> str:
    return f"{item.quantity:.3f}".replace(".", sep)


def _qty(item: SynthItem, sep: str = ",") -> str:
    return _qty3(item, sep) if item.unit == "kg" else str(int(item.quantity))


def biedronka_app(rng: random.Random) -> SynthReceipt:
    r = _receipt(rng, "biedronka", "biedronka_app", draw_items(rng, rng.randint(6, 14)), 46)
    footer = f"{rng.randint(1000, 9999)}/{rng.randint(1, 40)}/{rng.randint(1000, 9999)}/{r.date:%d.%m.%Y}"
    lines = r.lines
    lines += [("Jeronimo Martins Polska S.A.", CENTER), ("ul. Żniwna 5, 62-025 Kostrzyn", CENTER)]
    lines += [("NIP 779-10-11-327", CENTER), ("NIEFISKALNY", CENTER), (f"{r.date:%d.%m.%Y} {r.time}", "")]
    lines.append(("Nazwa", "PTU  Ilość  Cena  Wartość"))
    half = len(r.items) // 2
    for k, item in enumerate(r.items):
        lines.append(
            (
                _printed(item, item.name_raw.replace(" ", "")[:18]),
                f"{item.vat}  {_qty3(item, '.')} x {pl(item.unit_price)}  {pl(item.amount)}",
            )
        )
        if item.discount:
            lines += [("Rabat", pl(item.discount)), ("", pl(item.total) + "\x01")]
        if k + 1 == half:
            lines += [(footer, "Strona 1 z 2"), ("\f", "")]
    for letter, (gross, tax) in _vat_groups(r.items).items():
        lines += [
            (f"Sprzedaż opodatkowana {letter}", pl(gross)),
            (f"PTU {letter} {VAT_RATES[letter] * 100:.0f}%", pl(tax)),
        ]
    tax_total = sum((t for _, t in _vat_groups(r.items).values()), Decimal("0"))
    lines += [("Suma PTU", pl(tax_total)), ("Suma PLN", pl(r.total)), ("Karta płatnicza", pl(r.total))]
    lines.append((footer, "Strona 2 z 2"))
    return r


def kaufland_app(rng: random.Random) -> SynthReceipt:
    items = draw_items(rng, rng.randint(5, 12), discounts=False, weighed=False)
    # One printed row (and one item) per piece: the app repeats the row instead of printing a quantity.
    items = [
        SynthItem(
            i.name_raw,
            i.category,
            Decimal(1),
            "szt",
            i.unit_price,
            i.unit_price,
            i.discount,
            i.unit_price,
            i.vat,
        )
        for i in items
        for _ in range(min(int(i.quantity), 3))
    ]
    r = _receipt(rng, "kaufland", "kaufland_app", items, 40)
    lines = r.lines
    lines += [
        ("Kaufland", CENTER),
        ("ul. Wiśniowa 46, 02-520 Warszawa", CENTER),
        ("Podsumowanie zakupów", CENTER),
    ]
    lines.append(("", "Cena PLN"))
    for item in items:
        lines.append((item.name_raw, pl(item.unit_price)))
    lines.append(("Ogółem", pl(r.total)))
    for letter, (gross, tax) in _vat_groups(items).items():
        lines.append(
            (f"{letter} {VAT_RATES[letter] * 100:.0f}%", f"{pl(gross)}  {pl(gross - tax)}  {pl(tax)}")
        )
    lines.append((f"Z Kaufland Card zaoszczędzono {pl(Decimal(rng.randint(1, 30)))} PLN", ""))
    lines.append((f"Data: {r.date:%d.%m.%Y}  Godzina: {r.time}", ""))
    return r


def auchan_app(rng: random.Random) -> SynthReceipt:
    items = draw_items(rng, rng.randint(5, 12))
    r = _receipt(rng, "auchan", "auchan_app", items, 44)
    codes = {id(i): rng.randint(100000, 999999) for i in items}
    lines = r.lines
    lines += [("HIPERMARKET AUCHAN", CENTER), ("NIP: 526-03-09-174", CENTER), (r.date.isoformat(), "")]
    pending: list[SynthItem] = []
    for item in items:
        name = _printed(item, item.name_raw.upper()[:10])
        lines.append(
            (
                f"{name} {codes[id(item)]}{item.vat}",
                f"{_qty(item)} x{pl(item.unit_price)} {pl(item.amount)}{item.vat}",
            )
        )
        pending += [item] if item.discount else []
        if pending and rng.random() < 0.5:
            d = pending.pop(0)
            lines.append(
                (
                    f"Rabat {d.name_raw.upper()[:10].rstrip()} {codes[id(d)]}{d.vat}",
                    f"{pl(d.discount)}{d.vat}",
                )
            )
    for d in pending:
        lines.append(
            (f"Rabat {d.name_raw.upper()[:10].rstrip()} {codes[id(d)]}{d.vat}", f"{pl(d.discount)}{d.vat}")
        )
    lines.append(("SUMA PLN", pl(r.total)))
    return r


def lidl_plus(rng: random.Random) -> SynthReceipt:
    items = draw_items(rng, rng.randint(4, 10))
    r = _receipt(rng, "lidl", "lidl_plus", items, 36)
    lines = r.lines
    lines += [("Lidl", CENTER), (r.date.isoformat(), CENTER)]
    for item in items:
        amount = pl(item.amount)
        if len(amount) > 5:
            amount = amount[: amount.index(",") + 1] + "…"
        lines.append(
            (_printed(item, item.name_raw[:18]), f"{_qty(item)} * {pl(item.unit_price)} {amount} {item.vat}")
        )
        if item.discount:
            promo = (
                f"{rng.randint(100, 999)}_{rng.randint(10**6, 10**7 - 1)}_{rng.randint(10**6, 10**7 - 1)}_mix"
            )
            lines.append((promo, pl(item.discount) + "\x02"))
    for letter, (gross, tax) in _vat_groups(items).items():
        lines += [
            (f"PTU {letter}", pl(gross)),
            (f"Kwota {letter} {VAT_RATES[letter] * 100:.2f}%".replace(".", ","), pl(tax)),
        ]
    lines += [("Razem", pl(r.total)), ("RAZEM PLN", pl(r.total))]
    lines += [
        ("Dziękujemy za zakupy z Lidl Plus!", ""),
        ("Sprawdź kupony w aplikacji", ""),
        ("maps.lidl.pl/sklep/1234", ""),
    ]
    return r


def lidl_paper(rng: random.Random) -> SynthReceipt:
    items = draw_items(rng, rng.randint(5, 14), discounts=False)
    r = _receipt(rng, "lidl", "lidl_paper", items, 42)
    lines = r.lines
    lines += [("Lidl sp. z o.o. sp. k.", CENTER), ("ul. Poznańska 48, 62-080 Jankowice", CENTER)]
    lines += [("NIP 781-18-97-358", CENTER), ("PARAGON FISKALNY", CENTER)]
    for item in items:
        qty = f"{item.quantity:.2f}".replace(".", ",") if item.unit == "kg" else str(int(item.quantity))
        item.quantity = Decimal(qty.replace(",", "."))
        item.amount = item.total = q2(item.quantity * item.unit_price)
        lines.append(
            (
                f"{_printed(item, item.name_raw[:20])} F",
                f"{qty} x{pl(item.unit_price)} {pl(item.amount)}{item.vat}",
            )
        )
    r.total = q2(sum((i.total for i in items), Decimal("0")))
    lines.append(("Podsuma:", pl(r.total)))
    groups = _vat_groups(items)
    for letter, (gross, tax) in groups.items():
        lines += [
            (f"SPRZEDAŻ OPODATKOWANA {letter}", pl(gross)),
            (f"PTU {letter} {VAT_RATES[letter] * 100:.0f}%", pl(tax)),
        ]
    lines += [("SUMA PTU", pl(sum((t for _, t in groups.values()), Decimal("0")))), ("SUMA PLN", pl(r.total))]
    lines += [("KARTA Karta płatnicza", f"{pl(r.total)} PLN"), (f"{r.date.isoformat()} {r.time}", "")]
    return r


def _dino(rng: random.Random, style: str, sep: str) -> SynthReceipt:
    items = draw_items(rng, rng.randint(4, 12), discounts=False)
    r = _receipt(rng, "dino", style, items, 40)
    lines = r.lines
    lines += [("DINO POLSKA S.A.", CENTER), ("Market Dino", CENTER), ("NIP 6211766191", CENTER)]
    lines += [(f"{r.date:%d-%m-%Y} {r.time}", ""), ("PARAGON FISKALNY", CENTER)]
    for item in items:
        name = _printed(item, item.name_raw.upper()[:18]) + (" KG" if item.unit == "kg" else "")
        money = pl if sep == "," else (lambda v: pl(v).replace(",", "."))
        if sep == ".":
            qty = f"{item.quantity.normalize():f}" if item.unit == "kg" else str(int(item.quantity))
            lines.append(
                (f"{name} {item.vat} {qty}*{money(item.unit_price)}", f"{money(item.amount)}{item.vat}")
            )
        else:
            lines.append(
                (
                    f"{name} {item.vat}",
                    f"{_qty(item)} x{money(item.unit_price)} {money(item.amount)}{item.vat}",
                )
            )
    for letter, (gross, _) in _vat_groups(items).items():
        value = pl(gross) if sep == "," else pl(gross).replace(",", ".")
        lines.append((f"SP.OP.{letter}: {value} PTU {VAT_RATES[letter] * 100:.0f}%", ""))
    total = pl(r.total) if sep == "," else pl(r.total).replace(",", ".")
    lines.append(("Suma: PLN", total))
    return r


def dino_dots(rng: random.Random) -> SynthReceipt:
    return _dino(rng, "dino_dots", ".")


def dino_commas(rng: random.Random) -> SynthReceipt:
    return _dino(rng, "dino_commas", ",")


E_RECEIPTS: dict[str, Callable[[random.Random], SynthReceipt]] = {
    "biedronka_app": biedronka_app,
    "kaufland_app": kaufland_app,
    "auchan_app": auchan_app,
    "lidl_plus": lidl_plus,
}
PAPER: dict[str, Callable[[random.Random], SynthReceipt]] = {
    "lidl_paper": lidl_paper,
    "dino_dots": dino_dots,
    "dino_commas": dino_commas,
}
