"""The calendar days the system accepts (2000-01-01 to 2100-12-31) and day arithmetic that cannot overflow:
edges refuse other days with a 422, services refuse them with InvalidInput, never an OverflowError."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import Field

from foodsave.errors import InvalidInput

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="a day from 2000-01-01 to 2100-12-31")]


def check_day(day: date, what: str = "day") -> date:
    """`day` when it is within the accepted span, else InvalidInput naming `what`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{what} must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return day


def shift(day: date, days: int, what: str = "day") -> date:
    """`day` moved by `days`; InvalidInput when the result leaves the accepted span."""
    try:
        moved = day + timedelta(days=days)
    except OverflowError:
        moved = date.max if days > 0 else date.min
    return check_day(moved, what)
