"""Labelled synthetic Polish receipts: text in several shop layouts, rendered to degraded images or PDFs.

Used by the benchmark and the Tesseract tests; every receipt comes with its ground truth as a dict.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.receipts.money import format_amount, q2

if TYPE_CHECKING:
    from PIL import Image

# (printed name, category, typical price, sold by weight)
PRODUCTS: tuple[tuple[str, str, str, bool], ...] = (
    ("Mleko UHT 3,2% 1L", "dairy", "3.49", False),
    ("MlekoŁaciate2%1L", "dairy", "3.99", False),
    ("SerekWiejski200g", "dairy", "2.79", False),
    ("MasłoOsełMIDol300g", "dairy", "8.99", False),
    ("Jogurt natur. 400g", "dairy", "2.99", False),
    ("Ser Gouda plastry 150g", "dairy", "5.49", False),
    ("Śmietana 18% 400g", "dairy", "4.29", False),
    ("Twaróg półtłusty 250g", "dairy", "3.89", False),
    ("Jaja L 10szt", "dairy", "9.99", False),
    ("Kefir 400ml", "dairy", "2.49", False),
    ("Mozzarella 125g", "dairy", "3.29", False),
    ("Chleb Baltonowski 500g", "bakery", "4.99", False),
    ("Bułka kajzerka", "bakery", "0.49", False),
    ("Bagietka francuska", "bakery", "2.99", False),
    ("Chleb żytni razowy", "bakery", "5.49", False),
    ("Rogal maślany", "bakery", "1.59", False),
    ("Pączek z różą", "bakery", "1.99", False),
    ("Filet z kurczaka", "meat", "21.99", True),
    ("Szynka konserwowa", "meat", "34.90", True),
    ("Kiełbasa śląska", "meat", "19.99", True),
    ("Parówki Berlinki 250g", "meat", "6.49", False),
    ("Schab b/k", "meat", "18.99", True),
    ("Boczek wędzony", "meat", "24.99", True),
    ("Mięso mielone wieprz.", "meat", "15.99", True),
    ("Kabanosy 100g", "meat", "5.99", False),
    ("Łosoś wędzony 100g", "fish", "12.99", False),
    ("Filet z dorsza", "fish", "39.99", True),
    ("Śledź w oleju 300g", "fish", "7.49", False),
    ("Makrela wędzona", "fish", "19.90", True),
    ("Banany luz", "fruit", "5.99", True),
    ("Jabłka Gala", "fruit", "3.99", True),
    ("Pomarańcze", "fruit", "6.99", True),
    ("Cytryny", "fruit", "7.99", True),
    ("Mandarynki", "fruit", "8.99", True),
    ("Winogrona jasne 500g", "fruit", "9.99", False),
    ("Pomidory malinowe", "vegetables", "12.99", True),
    ("Ogórki szklarniowe", "vegetables", "8.99", True),
    ("Ziemniaki 2kg", "vegetables", "5.99", False),
    ("Cebula żółta", "vegetables", "2.99", True),
    ("Marchew luz", "vegetables", "2.49", True),
    ("K. Kalafior 450g", "vegetables", "6.99", False),
    ("Papryka czerwona", "vegetables", "14.99", True),
    ("Sałata lodowa", "vegetables", "3.99", False),
    ("Pieczarki 500g", "vegetables", "6.49", False),
    ("Lody Magnum Classic", "frozen", "4.99", False),
    ("Pizza Guseppe 4sery", "frozen", "10.99", False),
    ("Frytki mroż. 750g", "frozen", "7.99", False),
    ("Warzywa na patel.mroż", "frozen", "6.49", False),
    ("Makaron spaghetti 500g", "dry_goods", "4.49", False),
    ("Ryż biały 1kg", "dry_goods", "5.99", False),
    ("Mąka pszenna 1kg", "dry_goods", "3.49", False),
    ("Cukier biały 1kg", "dry_goods", "4.29", False),
    ("PłatkiKukurVit500g", "dry_goods", "7.99", False),
    ("Kasza gryczana 400g", "dry_goods", "4.79", False),
    ("Płatki owsiane 500g", "dry_goods", "3.29", False),
    ("Tuńczyk w sosie wł.", "canned", "6.99", False),
    ("Pomidory krojone 400g", "canned", "3.49", False),
    ("Kukurydza konserw.", "canned", "3.99", False),
    ("Groszek konserwowy", "canned", "3.29", False),
    ("Chipsy Lays solone", "snacks", "6.99", False),
    ("Czekolada Milka 100g", "snacks", "4.99", False),
    ("Baton Snickers", "snacks", "2.79", False),
    ("Ciastka Delicje", "snacks", "5.49", False),
    ("Paluszki solone 300g", "snacks", "3.99", False),
    ("Orzeszki ziemne 200g", "snacks", "5.29", False),
    ("Woda niegaz. 1,5L", "beverages", "1.99", False),
    ("Sok pomarańcz. 1L", "beverages", "5.99", False),
    ("Coca-Cola 1,5L", "beverages", "7.49", False),
    ("Kawa mielona 500g", "beverages", "24.99", False),
    ("Herbata czarna 100t", "beverages", "12.99", False),
    ("Napój energ. Tiger", "beverages", "3.49", False),
    ("Piwo Tyskie 0,5L", "alcohol", "3.79", False),
    ("Wino czerw. półsłodkie", "alcohol", "19.99", False),
    ("Wódka Wyborowa 0,5L", "alcohol", "32.99", False),
    ("Ketchup łagodny 480g", "condiments", "5.99", False),
    ("Majonez Kielecki 400ml", "condiments", "8.49", False),
    ("Musztarda sarepska", "condiments", "2.99", False),
    ("Olej rzepakowy 1L", "condiments", "8.99", False),
    ("Dżem truskawkowy", "condiments", "6.49", False),
    ("Pierogi ruskie 400g", "ready_meals", "8.99", False),
    ("Sałatka jarzynowa", "ready_meals", "7.99", False),
    ("Zupa pomidorowa 450ml", "ready_meals", "6.99", False),
    ("Reklamówka", "household", "0.99", False),
    ("Papier toal. 8 rolek", "household", "14.99", False),
    ("Płyn do nacz. Ludwik", "household", "7.49", False),
    ("Worki na śmieci 35L", "household", "4.99", False),
    ("Pasta do zębów Colgate", "cosmetics", "8.99", False),
    ("Szampon Head&Shoulders", "cosmetics", "17.99", False),
    ("Mydło w płynie", "cosmetics", "5.99", False),
    ("Dezodorant Rexona", "cosmetics", "12.99", False),
)

VAT_BY_CATEGORY = {"household": "A", "cosmetics": "A", "alcohol": "A", "beverages": "A", "snacks": "B"}
VAT_RATES = {"A": Decimal("0.23"), "B": Decimal("0.08"), "C": Decimal("0.05"), "D": Decimal("0")}


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


HEADERS: dict[str, list[str]] = {
    "biedronka": [
        "BIEDRONKA",
        "Jeronimo Martins Polska S.A.",
        "62-025 Kostrzyn, ul. Żniwna 5",
        "NIP 779-10-11-327",
    ],
    "lidl": ["LIDL", "Lidl sp. z o.o. sp. k.", "ul. Poznańska 48, 62-080 Jankowice", "NIP 781-18-97-358"],
    "kaufland": [
        "Kaufland Polska Markety",
        "Sp. z o.o. sp.j.",
        "ul. Wiśniowa 46, 02-520 Warszawa",
        "NIP 676-10-30-325",
    ],
    "auchan": [
        "AUCHAN Polska Sp. z o.o.",
        "Hipermarket Piaseczno",
        "ul. Puławska 46, 05-500 Piaseczno",
        "NIP 526-03-09-174",
    ],
    "zabka": [
        "Żabka Polska sp. z o.o.",
        "Sklep Żabka Z1234",
        "ul. Stanisława Mikołajczyka 5a",
        "NIP 972-11-10-045",
    ],
    "carrefour": ["Carrefour Polska Sp. z o.o.", "ul. Targowa 72, 03-734 Warszawa", "NIP 937-20-26-578"],
    "netto": ["NETTO Sp. z o.o.", "Sklep nr 241", "ul. Krakowska 12, 30-001 Kraków", "NIP 854-19-53-445"],
    "dino": [
        "DINO POLSKA S.A.",
        "Market Dino nr 1022",
        "ul. Ostrowska 122, 63-700 Krotoszyn",
        "NIP 621-17-37-108",
    ],
    "lewiatan": [
        "Lewiatan Holding S.A.",
        "Sklep Lewiatan 0045",
        "ul. Kilińskiego 10, 87-800 Włocławek",
        "NIP 888-22-37-515",
    ],
    "stokrotka": ["Stokrotka Sp. z o.o.", "ul. Projektowa 1, 20-209 Lublin", "NIP 712-01-06-937"],
}
# Layout per merchant: one | one_nox | two_after (name amount / qty line) | two_before (name / qty amount)
STYLES = {
    "biedronka": "one",
    "lidl": "two_after",
    "kaufland": "two_before",
    "auchan": "one_star",
    "zabka": "one_simple",
    "carrefour": "two_before",
    "netto": "one",
    "dino": "one",
    "lewiatan": "one_star",
    "stokrotka": "two_after",
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y")


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
    _layout(r, rng)
    return r


def _layout(r: SynthReceipt, rng: random.Random) -> None:
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
        amt = format_amount(item.amount)
        x = rng.choice(("x", "x", " x ", "*")) if r.style != "one_star" else "*"
        if r.style == "one":
            lines.append(
                (item.name_raw[:22], f"{item.vat} {qty} {x}{format_amount(item.unit_price)} {amt}{item.vat}")
            )
        elif r.style == "one_star":
            lines.append((item.name_raw[:22], f"{qty}{x}{format_amount(item.unit_price)} {amt} {item.vat}"))
        elif r.style == "one_simple":
            if item.quantity == 1:
                lines.append((item.name_raw[:24], f"{amt} {item.vat}"))
            else:
                lines.append(
                    (item.name_raw[:24], f"{qty} x{format_amount(item.unit_price)} {amt} {item.vat}")
                )
        elif r.style == "two_after":
            lines.append((item.name_raw[:26], f"{amt} {item.vat}"))
            if item.quantity != 1:
                lines.append((f"  {qty} {x} {format_amount(item.unit_price)}", ""))
        else:  # two_before
            lines.append((item.name_raw[:30], ""))
            lines.append((f"   {qty} x {format_amount(item.unit_price)}", f"{amt} {item.vat}"))
        if item.discount:
            word = rng.choice(("Rabat", "Rabat", "Upust", "Opust", "Obniżka", "Promocja"))
            lines.append((f"  {word}", f"-{format_amount(-item.discount)} {item.vat}"))
            if rng.random() < 0.7:
                lines.append(("", f"{format_amount(item.total)} {item.vat}"))
        by_letter[item.vat] = by_letter.get(item.vat, Decimal("0")) + item.total
    for label, value in r.receipt_discounts:
        lines.append((label, f"-{format_amount(-value)}"))
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
        lines.append((f"Sprzedaż opodatk. {letter}", format_amount(gross)))
        lines.append((f"PTU {letter} {rate * 100:.2f}%".replace(".", ","), format_amount(tax)))
    lines.append(("Suma PTU", format_amount(tax_total)))
    lines.append((rng.choice(("SUMA PLN", "SUMA PLN", "SUMA:", "SUMA")), format_amount(r.total)))
    if rng.random() < 0.6:
        lines.append(("Karta płatnicza", format_amount(r.total)))
    else:
        paid = q2(r.total + Decimal(rng.randint(0, 50)))
        lines.append(("Gotówka", format_amount(paid)))
        lines.append(("Reszta", format_amount(paid - r.total)))
    lines.append(
        (f"{rng.randint(10000, 99999)} #Kasa {rng.randint(1, 9)}", f"Kasjer nr {rng.randint(1, 40)}")
    )
    lines.append((f"{r.date.isoformat()} {r.time}", "<center>"))
    lines.append((f"BWR {rng.randint(10**9, 10**10 - 1)}", "<center>"))


def _qty_text(item: SynthItem) -> str:
    if item.unit == "kg":
        return f"{item.quantity:.3f}".replace(".", ",")
    return str(int(item.quantity))


# ---------------------------------------------------------------------------------------------- images
PINNED_FONT = Path(__file__).with_name("fonts") / "DejaVuSansMono.ttf"


def installed_fonts() -> list[str]:
    """Fonts fit for receipts: the pinned DejaVu Sans Mono shipped with the project first (so renders are the
    same on every machine), then installed sans and mono families with Polish glyphs."""
    pinned = [str(PINNED_FONT)] if PINNED_FONT.is_file() else []
    return pinned + [p for p in _system_fonts() if Path(p).name != PINNED_FONT.name]


def _system_fonts() -> list[str]:
    try:
        out = subprocess.run(  # noqa: S603 - fixed argument list, no user input
            [shutil.which("fc-list") or "/usr/bin/fc-list", ":lang=pl", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        paths = [line.split(":")[0].strip() for line in out.stdout.splitlines()]
    except (OSError, subprocess.SubprocessError):
        paths = []
    if not paths:
        paths = [str(p) for p in Path("/usr/share/fonts").rglob("*.ttf")]
    keep = []
    for p in sorted(set(paths)):
        low = p.lower()
        if not low.endswith((".ttf", ".otf")):
            continue
        if any(bad in low for bad in ("italic", "oblique", "math", "extralight", "symbol", "serif-bold")):
            continue
        keep.append(p)
    return keep


@dataclass
class RenderOptions:
    font_path: str
    font_size: int = 26
    blur: float = 0.0
    noise: float = 0.0
    rotation: float = 0.0
    jpeg_quality: int | None = 85
    scale: float = 1.0
    contrast: float = 1.0
    paper: int = 250
    shadow: float = 0.0  # darkest corner's brightness loss (0..1): uneven light of a phone photo


def render_receipt(r: SynthReceipt, opts: RenderOptions) -> Image.Image:
    """Draw the receipt like a thermal print: left text at the margin, amounts at the right edge."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(opts.font_path, opts.font_size)
    char_w = font.getlength("0")
    margin = int(char_w * 2)
    width_px = int(char_w * r.width) + 2 * margin
    line_h = int(opts.font_size * 1.35)
    height_px = line_h * (len(r.lines) + 4)
    img = Image.new("L", (width_px, height_px), opts.paper)
    draw = ImageDraw.Draw(img)
    ink = max(0, int(opts.paper * (1 - opts.contrast)))
    y = line_h * 2
    for left, right in r.lines:
        if right == "<center>":
            w = font.getlength(left)
            draw.text(((width_px - w) / 2, y), left, font=font, fill=ink)
        else:
            draw.text((margin, y), left, font=font, fill=ink)
            if right:
                w = font.getlength(right)
                draw.text((width_px - margin - w, y), right, font=font, fill=ink)
        y += line_h
    if opts.scale != 1.0:
        img = img.resize(
            (int(img.width * opts.scale), int(img.height * opts.scale)), Image.Resampling.BILINEAR
        )
    if opts.rotation:
        img = img.rotate(opts.rotation, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=opts.paper)
    if opts.blur:
        img = img.filter(ImageFilter.GaussianBlur(opts.blur))
    if opts.shadow:
        arr = np.asarray(img, dtype=np.float32)
        yy, xx = np.mgrid[0 : arr.shape[0], 0 : arr.shape[1]].astype(np.float32)
        angle = (opts.font_size * 37) % 360 * np.pi / 180
        ramp = xx / arr.shape[1] * np.cos(angle) + yy / arr.shape[0] * np.sin(angle)
        ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
        img = Image.fromarray(np.clip(arr * (1 - opts.shadow * ramp), 0, 255).astype(np.uint8))
    if opts.noise:
        arr = np.asarray(img, dtype=np.float32)
        seed = int(opts.noise * 1000) + img.width
        arr = arr + np.random.default_rng(seed).normal(0, opts.noise, arr.shape).astype(np.float32)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img


def random_render_options(rng: random.Random, fonts: list[str], degraded: bool = True) -> RenderOptions:
    return RenderOptions(
        font_path=rng.choice(fonts),
        font_size=rng.randint(20, 30),
        blur=rng.choice((0.0, 0.4, 0.7, 1.0)) if degraded else 0.0,
        noise=rng.choice((0.0, 6.0, 12.0, 18.0)) if degraded else 0.0,
        rotation=rng.uniform(-2.5, 2.5) if degraded else 0.0,
        jpeg_quality=rng.choice((None, 60, 75, 90)),
        scale=rng.choice((0.8, 1.0, 1.0, 1.3)),
        contrast=rng.choice((0.75, 0.9, 1.0)),
        paper=rng.choice((235, 245, 255)),
        shadow=rng.choice((0.0, 0.0, 0.3, 0.5)) if degraded else 0.0,
    )


def encode(img: Image.Image, kind: str, jpeg_quality: int = 85) -> bytes:
    """`jpeg`, `png`, `webp` or `pdf` (image-only PDF, so it goes through OCR)."""
    buf = io.BytesIO()
    if kind == "jpeg":
        img.convert("RGB").save(buf, "JPEG", quality=jpeg_quality)
    elif kind == "png":
        img.save(buf, "PNG")
    elif kind == "webp":
        img.save(buf, "WEBP", quality=jpeg_quality)
    elif kind == "pdf":
        img.convert("RGB").save(buf, "PDF", resolution=200.0)
    else:
        raise ValueError(kind)
    return buf.getvalue()


@dataclass
class SynthSample:
    name: str
    data: bytes
    kind: str
    truth: dict[str, Any]
    text: str


def generate_dataset(n: int, seed: int = 7, degraded: bool = True) -> list[SynthSample]:
    """`n` labelled receipt files (mostly JPEG, some PNG and PDF), deterministic for a seed."""
    rng = random.Random(seed)
    fonts = installed_fonts()
    if not fonts:
        raise RuntimeError("no TrueType fonts installed (apt-get install fonts-dejavu-core fonts-liberation)")
    samples = []
    merchants = list(HEADERS)
    for k in range(n):
        receipt = generate_receipt(rng, merchants[k % len(merchants)])
        opts = random_render_options(rng, fonts, degraded)
        img = render_receipt(receipt, opts)
        kind = rng.choice(("jpeg", "jpeg", "jpeg", "png", "pdf"))
        data = encode(img, kind, opts.jpeg_quality or 85)
        truth = receipt.truth() | {"font": Path(opts.font_path).name, "kind": kind, "style": receipt.style}
        samples.append(
            SynthSample(
                f"receipt_{k:03d}.{'jpg' if kind == 'jpeg' else kind}", data, kind, truth, receipt.text()
            )
        )
    return samples


def timestamp() -> str:
    return datetime.now().strftime("%Y%m%d%H%M%S")


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds `text` (Courier, WinAnsi; letters outside cp1252 lose accents)."""
    import unicodedata

    def pdf_escape(line: str) -> str:
        out = []
        for ch in line:
            try:
                ch.encode("cp1252")
            except UnicodeEncodeError:
                ch = unicodedata.normalize("NFKD", ch.replace("ł", "l").replace("Ł", "L"))[0]
            out.append(ch)
        return "".join(out).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = text.splitlines()
    height = 40 + 12 * len(lines)
    ops = ["BT", "/F1 9 Tf", "11 TL", f"20 {height - 30} Td"]
    for line in lines:
        ops.append(f"({pdf_escape(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 {height}] /Contents 4 0 R "
        f"/Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
