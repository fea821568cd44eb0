"""The receipt's header and layout: where the item block starts and ends, who sold it (brand, legal name,
NIP, address) and when (the sale date, not a print or return date)."""

from __future__ import annotations

import re
from datetime import date, time

from foodsave.receipts.parsing.lines import DIGIT_LOOKALIKES
from foodsave.receipts.parsing.model import ParsedReceipt
from foodsave.text import fold

SUMMARY_START_RE = re.compile(
    r"^\W*(sprzeda|opodatk|sp\.?\s?op\.?\s?[a-g]\b|ptu\b|[s5][uv][mn]a\b|[s5][uv][mn]a[:.]|razem|do zaplaty|"
    r"zaplacono|ogolem|gotowka|karta\b|karta plat|platnosc|reszta|wartosc pln|niefiskaln|kwota\s*[a-g]\b)"
)
_HEADER_LINE_RE = re.compile(
    r"(\bnip\b|\bul\.|\bal\.|\bos\.|\bpl\.|\b\d{2}-\d{3}\b|\bsp\.?\s*z\s*o|\bs\.\s?a\.|\bsklep\b|\bnr\s*wydr|\btel\b)",
)
# A table header of the item block: `Nazwa PTU Ilość Cena Wartość`, `Cena PLN`.
_COLUMN_HEADER_RE = re.compile(r"^\W*(?:(?:nazwa|ptu|ilosc|cena|wartosc|pln|kwota|towar|vat)\W*){2,}$")
_PRICED_LINE_RE = re.compile(r"[a-z]{3}.*\d[,.]\d\d\W{0,3}[a-g]?\W{0,2}$")
_NOT_SALE_DATE_RE = re.compile(r"wazn|zwrot|termin|wydruk|gwarancj|do dnia")

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
# NIPs of the operating companies of the big chains, as printed in their receipt headers.
MERCHANT_NIPS: dict[str, str] = {
    "7791011327": "biedronka",  # Jeronimo Martins Polska S.A.
    "7811897358": "lidl",  # Lidl sp. z o.o. sp. k.
    "6761030325": "kaufland",  # Kaufland Polska Markety
    "5260309174": "auchan",  # Auchan Polska
    "6211766191": "dino",  # Dino Polska S.A.
    "9372026578": "carrefour",  # Carrefour Polska
    "7270019183": "rossmann",  # Rossmann SDP
    "9512118815": "aldi",
}
_NIP_RE = re.compile(r"nip\W{0,3}((?:[\dOolIS][\s-]?){10})")
_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip_is_valid(digits: str) -> bool:
    """The NIP check digit: weighted sum of the first nine digits modulo 11."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    check = sum(int(d) * w for d, w in zip(digits, _NIP_WEIGHTS, strict=False)) % 11
    return check == int(digits[9])


def _chain_of_nip(digits: str) -> str | None:
    """The chain whose NIP this is; one misread digit is forgiven when it breaks the check digit."""
    if digits in MERCHANT_NIPS:
        return MERCHANT_NIPS[digits]
    if nip_is_valid(digits):
        return None
    near = {
        brand
        for known, brand in MERCHANT_NIPS.items()
        if sum(a != b for a, b in zip(known, digits, strict=True)) == 1
    }
    return near.pop() if len(near) == 1 else None


def items_start(lines: list[str], folded: list[str]) -> int:
    """The first line of the item block: after `PARAGON FISKALNY`, a column header, or the header lines."""
    from rapidfuzz import fuzz

    for i, f in enumerate(folded):
        squashed = re.sub(r"[^a-z]", "", f)
        if 8 <= len(squashed) <= 24 and fuzz.partial_ratio("paragonfiskalny", squashed) >= 80:
            if "niefiskal" not in squashed:
                return i + 1
    for i, f in enumerate(folded[:25]):
        if _COLUMN_HEADER_RE.match(f):
            return i + 1
    last_header = -1
    for i in range(min(len(lines), 15)):
        if _HEADER_LINE_RE.search(folded[i]) or find_date(lines[i]) is not None:
            last_header = i
        elif _PRICED_LINE_RE.search(folded[i]):
            break  # the first priced line: the header is over
    return last_header + 1


def items_end(folded: list[str], start: int) -> int:
    """The first summary line (VAT block, SUMA, payment) after the items; the end of the text otherwise."""
    for i in range(start, len(folded)):
        if SUMMARY_START_RE.search(folded[i]) and not folded[i].startswith("suma rabat"):
            return i
    return len(folded)


def detect_merchant(lines: list[str], folded: list[str], start: int, result: ParsedReceipt) -> None:
    """Brand from a chain's NIP first (legal names vary, the NIP does not), then names anywhere on the receipt."""
    for i, f in enumerate(folded):
        m = _NIP_RE.search(f)
        if m is None:
            continue
        digits = re.sub(r"\D", "", m.group(1).translate(DIGIT_LOOKALIKES))
        if len(digits) != 10:
            continue
        if result.nip is None or (nip_is_valid(digits) and not nip_is_valid(result.nip)):
            result.nip = digits
        brand = _chain_of_nip(digits)
        if brand is not None and result.merchant == "other":
            result.merchant, result.merchant_raw = brand, lines[i]
    if result.merchant == "other":
        _merchant_by_name(lines, folded, start, result)


def _merchant_by_name(lines: list[str], folded: list[str], start: int, result: ParsedReceipt) -> None:
    from rapidfuzz import fuzz

    for exact in (True, False):
        for i, f in enumerate(folded):
            words = re.sub(r"[^a-z0-9 ]", " ", f)
            for brand, patterns in MERCHANTS.items():
                for p in patterns:
                    if exact:
                        hit = re.search(rf"\b{re.escape(p)}\b", words) is not None
                    else:
                        hit = len(p) >= 5 and i < max(start, 6) and fuzz.partial_ratio(p, words) >= 85
                    if hit:
                        result.merchant, result.merchant_raw = brand, lines[i]
                        return


def find_date(line: str) -> date | None:
    """`2025-01-31`, `31.01.2025`, `31-01-2025`, `31/01/2025` (OCR look-alikes of digits allowed)."""
    s = line.translate(DIGIT_LOOKALIKES)
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


def find_time(line: str) -> time | None:
    for m in re.finditer(r"(?<![\d,.])([01]?\d|2[0-3])\s?:\s?([0-5]\d)(?::([0-5]\d))?(?![\d,])", line):
        return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    return None


def detect_datetime(lines: list[str], start: int, result: ParsedReceipt) -> None:
    """The sale date: a date with a time, near the header, or the one most lines agree on; never a return date."""
    candidates: list[tuple[int, int, date, time | None]] = []
    counts: dict[date, int] = {}
    for i, line in enumerate(lines):
        d = find_date(line)
        if d is None or not (2000 <= d.year <= 2100):
            continue
        counts[d] = counts.get(d, 0) + 1
        t = find_time(line)
        f = fold(line)
        score = (2 if t else 0) + (2 if i < max(start, 1) + 1 else 0) + (2 if "data" in f else 0)
        score -= 4 if _NOT_SALE_DATE_RE.search(f) else 0
        candidates.append((score, -i, d, t))
    if not candidates:
        result.flag("date_missing", "date not found")
        return
    candidates = [(s + counts[d] - 1, ni, d, t) for s, ni, d, t in candidates]
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    _, neg_i, result.date, t = candidates[0]
    if t is None:
        # The time is often printed on a neighbouring line.
        for j in (-neg_i - 1, -neg_i + 1):
            if 0 <= j < len(lines) and (t := find_time(lines[j])):
                break
    if t is None:
        t = next((x for x in map(find_time, lines) if x is not None), None)
    result.time = t
