"""Tolerant parsing of Polish money amounts and quantities as printed on receipts and read by OCR."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GROSZ = Decimal("0.01")

# Characters OCR commonly reads instead of digits inside a number.
_OCR_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1", "S": "5", "s": "5"}
)

# A digit or a character OCR confuses with one.
NUM = r"[0-9OoDlI|S]"
# An amount: optional sign, integer part (thousands with space or dot allowed), decimal comma/dot, 2 digits.
MONEY = rf"-?\s?(?:{NUM}{{1,3}}(?:[ .]{NUM}{{3}})+|{NUM}{{1,6}})\s?[,.]\s?{NUM}{{2}}(?!\d)"
# A quantity: integer or decimal with up to three places.
QTY = rf"{NUM}{{1,4}}(?:[,.]{NUM}{{1,3}})?"


def q2(value: Decimal) -> Decimal:
    """Round to the grosz the way fiscal printers do (half up)."""
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal | None:
    """Parse `3,49`, `-1,00`, `1 234,56`, `1.234,56`, `O,99`, `l2.5O` into a Decimal; None if not an amount."""
    s = text.strip()
    if not s:
        return None
    negative = s.startswith("-") or s.endswith("-")
    s = s.strip("-").strip().translate(_OCR_DIGITS)
    s = re.sub(r"\s*([,.])\s*", r"\1", s)
    m = re.fullmatch(r"(\d{1,3}(?:[ .]\d{3})+|\d+)[,.](\d{2})", s)
    if not m:
        return None
    whole = re.sub(r"[ .]", "", m.group(1))
    try:
        value = Decimal(f"{whole}.{m.group(2)}")
    except InvalidOperation:
        return None
    return -value if negative else value


def parse_quantity(text: str) -> Decimal | None:
    """Parse `2`, `0,535`, `1.5`, `l` (OCR for 1) into a Decimal quantity; None if not a quantity."""
    s = text.strip().translate(_OCR_DIGITS).replace(",", ".")
    if not re.fullmatch(r"\d{1,4}(?:\.\d{1,3})?", s):
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value if value > 0 else None


def format_amount(value: Decimal) -> str:
    """Format like a Polish receipt: decimal comma, two places."""
    return f"{q2(value):.2f}".replace(".", ",")
