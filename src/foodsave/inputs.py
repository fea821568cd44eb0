"""Text from users, checked once at the edge: names lose surrounding and repeated whitespace, control and
format characters (NUL, zero-width spaces, a BOM, direction marks), and what is left must not be empty."""

from __future__ import annotations

import unicodedata

DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_name(value: str) -> str:
    """The name as it will be stored; ValueError when nothing printable is left."""
    kept = "".join(
        " " if ch.isspace() else ch for ch in value if unicodedata.category(ch) not in DROPPED or ch.isspace()
    )
    cleaned = " ".join(kept.split())
    if not cleaned:
        raise ValueError("name must contain visible characters")
    return cleaned


# Line breaks and tabs are text; every other control character (NUL included) is not.
TEXT_CONTROLS = frozenset("\t\n\r")


def has_control_characters(value: str) -> bool:
    """True when `value` holds NUL or another control character besides tab and line breaks."""
    return any(unicodedata.category(ch) == "Cc" and ch not in TEXT_CONTROLS for ch in value)


def clean_optional_name(value: str | None) -> str | None:
    """`clean_name` for a field that may be left out (PATCH bodies)."""
    return None if value is None else clean_name(value)
