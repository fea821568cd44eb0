"""List queries: accent-insensitive text matching (`?q=maslo` finds `Masło` on SQLite and PostgreSQL alike)
and ordering with empty values last."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

# Polish letters (both cases) and their ASCII letters: SQLite's lower() only knows ASCII, so the letters
# are replaced first, then lowered, on every database alike.
_POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
_ASCII = "acelnoszzACELNOSZZ"
_FOLD = str.maketrans(_POLISH, _ASCII)


def fold_text(text: str) -> str:
    """The search key of a `?q=` value: lowercase, Polish letters as ASCII (`Masło` -> `maslo`)."""
    return " ".join(text.translate(_FOLD).lower().split())


def folded(column: Any) -> ColumnElement[str]:
    """`fold_text` in SQL, the same on SQLite and PostgreSQL."""
    expr: Any = column
    for letter, plain in zip(_POLISH, _ASCII, strict=True):
        expr = func.replace(expr, letter, plain)
    return func.lower(expr)  # type: ignore[no-any-return]


def contains_folded(column: Any, q: str) -> ColumnElement[bool]:
    """Rows whose column holds `q` ignoring case and Polish accents; `%` and `_` in q match literally."""
    needle = fold_text(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded(column).like(f"%{needle}%", escape="\\")


def sorted_by(column: Any, order: str, *tiebreaks: Any) -> list[Any]:
    """ORDER BY terms with empty values last in either direction, then stable tiebreaks."""
    return [column.is_(None), column.desc() if order == "desc" else column.asc(), *tiebreaks]
