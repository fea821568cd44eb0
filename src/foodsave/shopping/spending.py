"""Spending from stored receipts: totals by category and merchant over a date range, in exact money."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from foodsave.days import check_day, shift
from foodsave.db.models import Receipt
from foodsave.errors import InvalidInput
from foodsave.households.membership import household_of
from foodsave.text import fold

COUNTED = ("parsed", "needs_review", "confirmed")
ZERO = Decimal("0.00")
# Receipt-level savings and corrections not tied to one line (coupons, a total that differs from its lines).
ADJUSTMENTS = "adjustments"


@dataclass(frozen=True)
class Spending:
    total: Decimal
    by_category: dict[str, Decimal] = field(default_factory=dict)
    by_merchant: dict[str, Decimal] = field(default_factory=dict)
    receipts: int = 0
    start: date | None = None
    end: date | None = None
    currency: str = "PLN"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def spending(
    session: Session,
    user_id: str,
    start: date,
    end: date,
    *,
    category: str | None = None,
    merchant: str | None = None,
) -> Spending:
    """Money spent on receipts bought from `start` to `end` (inclusive, UTC days; a receipt without a purchase
    time counts on the day it was uploaded). Without a category the total is what the receipts say was paid,
    and `by_category` adds up to it (the difference to the lines is under "adjustments"); with a category only
    that category's lines count."""
    check_day(start, "start")
    check_day(end, "end")
    if end < start:
        raise InvalidInput("end must not be before start")
    lower, upper = _day_start(start), _day_start(shift(end, 1, "end"))
    receipts = session.scalars(
        select(Receipt)
        .where(
            Receipt.household_id == household_of(session, user_id),
            Receipt.status.in_(COUNTED),
            or_(
                and_(
                    Receipt.purchased_at.is_not(None),
                    Receipt.purchased_at >= lower,
                    Receipt.purchased_at < upper,
                ),
                and_(Receipt.purchased_at.is_(None), Receipt.created_at >= lower, Receipt.created_at < upper),
            ),
        )
        .options(selectinload(Receipt.lines))
        .order_by(Receipt.purchased_at, Receipt.id)
    ).all()
    wanted_merchant = fold(merchant).strip() if merchant else None
    by_category: dict[str, Decimal] = {}
    by_merchant: dict[str, Decimal] = {}
    counted = 0
    total = ZERO
    for receipt in receipts:
        shop = receipt.merchant or "unknown"
        if wanted_merchant and wanted_merchant not in fold(shop):
            continue
        lines = [(line.category or "other", line.total or ZERO) for line in receipt.lines]
        if category is not None:
            amount = sum((t for c, t in lines if c == category), ZERO)
            if not any(c == category for c, _ in lines):
                continue
            parts = {category: amount}
        else:
            parts = {}
            for cat, amount in lines:
                parts[cat] = parts.get(cat, ZERO) + amount
            lines_sum = sum(parts.values(), ZERO)
            amount = receipt.total if receipt.total is not None else lines_sum
            if amount != lines_sum:
                parts[ADJUSTMENTS] = parts.get(ADJUSTMENTS, ZERO) + (amount - lines_sum)
        counted += 1
        total += amount
        by_merchant[shop] = by_merchant.get(shop, ZERO) + amount
        for cat, value in parts.items():
            by_category[cat] = by_category.get(cat, ZERO) + value
    return Spending(
        total=total,
        by_category=dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_merchant=dict(sorted(by_merchant.items(), key=lambda kv: (-kv[1], kv[0]))),
        receipts=counted,
        start=start,
        end=end,
    )
