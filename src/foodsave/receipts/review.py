"""Review that can repair a receipt before it reaches the pantry: the open flags of a parse (line-level
arithmetic, missing total or date, probable duplicate), edits of the receipt and its lines that re-check
them, deleting a receipt, and the explicit acceptance a flagged receipt needs before confirmation."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update

from foodsave.db.models import Receipt, ReceiptLine
from foodsave.errors import Conflict, NotFound
from foodsave.observability import logger

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from foodsave.receipts.parser import ParsedReceipt
    from foodsave.receipts.service import ReceiptService

REVIEWABLE = ("parsed", "needs_review")
LINE_CODES = ("line_arithmetic", "discount_arithmetic", "amount_unreadable")
SUM_CODES = ("items_sum", "total_missing", "total_unconfirmed")


def flags_from_parse(parsed: ParsedReceipt) -> list[dict[str, Any]]:
    """The parser's flags as stored: a line-level flag also names the position of the receipt line it is on."""
    position_of = {item.line_no + 1: k for k, item in enumerate(parsed.items)}
    return [
        {"code": f.code, "message": f.message, "line": f.line, "position": position_of.get(f.line or -1)}
        for f in parsed.flags
    ]


def duplicate_flag(session: Session, receipt: Receipt) -> dict[str, Any] | None:
    """A flag when the same household already has a receipt with the same merchant, day and total."""
    if receipt.total is None or receipt.purchased_at is None or not receipt.merchant:
        return None
    day = receipt.purchased_at.date()
    others = session.scalars(
        select(Receipt).where(
            Receipt.household_id == receipt.household_id,
            Receipt.id != receipt.id,
            Receipt.merchant == receipt.merchant,
            Receipt.total == receipt.total,
            Receipt.status.in_(("parsed", "needs_review", "confirmed")),
        )
    ).all()
    twin = next((o for o in others if o.purchased_at is not None and o.purchased_at.date() == day), None)
    if twin is None:
        return None
    message = f"looks like receipt {twin.id} (same merchant, date and total)"
    return {
        "code": "probable_duplicate",
        "message": message,
        "line": None,
        "position": None,
        "receipt_id": twin.id,
    }


class ReceiptReview:
    """Repairs on one user's receipts; every lookup goes through the user-scoped `ReceiptService.get`."""

    def __init__(self, receipts: ReceiptService) -> None:
        self.receipts = receipts
        self.session = receipts.session

    def _editable(self, receipt_id: str) -> Receipt:
        receipt = self.receipts.get(receipt_id)
        if receipt.status not in REVIEWABLE:
            raise Conflict(f"the receipt is {receipt.status}; it can be repaired while it is in review")
        return receipt

    def patch_receipt(self, receipt_id: str, changes: dict[str, Any]) -> Receipt:
        """Change the total, merchant or purchase time; the checks they settle are re-run."""
        receipt = self._editable(receipt_id)
        for field in ("total", "merchant", "purchased_at"):
            if changes.get(field) is not None:
                setattr(receipt, field, changes[field])
        if changes.get("purchased_at") is not None:
            self._drop(receipt, lambda f: f["code"] == "date_missing")
        return self.recheck(receipt)

    def add_line(self, receipt_id: str, data: dict[str, Any]) -> ReceiptLine:
        """A line the parse missed, appended after the last one and categorised from its name."""
        from foodsave.categories.categorize import default_categorizer
        from foodsave.text import normalize_name

        receipt = self._editable(receipt_id)
        position = (self.session.scalar(select(func.max(ReceiptLine.position)).where(
            ReceiptLine.receipt_id == receipt.id)) or -1) + 1  # fmt: skip
        category, confidence = default_categorizer().categorize(data["name"])
        if data.get("category"):
            category, confidence = data["category"], 1.0
        quantity = data.get("quantity") or Decimal(1)
        line = ReceiptLine(
            receipt_id=receipt.id,
            position=position,
            name_raw=data["name"],
            name=normalize_name(data["name"]) or data["name"],
            quantity=quantity,
            unit=data.get("unit") or "szt",
            unit_price=data.get("unit_price") if data.get("unit_price") is not None else data["total"],
            discount=data.get("discount") or Decimal(0),
            total=data["total"],
            category=category,
            confidence=confidence,
        )
        receipt.lines.append(line)
        self.session.flush()
        self.recheck(receipt)
        return line

    def delete_line(self, receipt_id: str, line_id: str) -> Receipt:
        receipt = self._editable(receipt_id)
        line = next((ln for ln in receipt.lines if ln.id == line_id), None)
        if line is None:
            raise NotFound(f"line {line_id} not found on receipt {receipt_id}")
        position = line.position
        receipt.lines.remove(line)
        self.session.flush()
        self._drop(receipt, lambda f: f.get("position") == position)
        return self.recheck(receipt)

    def line_changed(self, receipt_id: str, line_id: str) -> Receipt:
        """After a line edit: its own flags are settled when its arithmetic now holds."""
        receipt = self.receipts.get(receipt_id)
        return self.recheck(receipt)

    def recheck(self, receipt: Receipt) -> Receipt:
        """Re-run the checks a repair can settle: each line's arithmetic and the lines against the total."""
        held = {ln.position for ln in receipt.lines if _line_holds(ln)}
        self._drop(receipt, lambda f: f["code"] in LINE_CODES and f.get("position") in held)
        self._drop(receipt, lambda f: f["code"] in SUM_CODES)
        coupons = Decimal(str((receipt.vat_summary or {}).get("receipt_discounts", "0")))
        lines_sum = sum((ln.total or Decimal(0) for ln in receipt.lines), coupons)
        if receipt.total is None:
            self._add(receipt, {"code": "total_missing", "message": "the receipt has no total"})
        elif lines_sum != receipt.total:
            message = f"lines sum {lines_sum} does not match total {receipt.total}"
            self._add(receipt, {"code": "items_sum", "message": message})
        if receipt.status in REVIEWABLE:
            receipt.status = "needs_review" if receipt.review_flags else "parsed"
        receipt.updated_at = self.receipts._now()
        self.session.flush()
        return receipt

    def require_accepted(self, receipt_id: str, accept_warnings: bool) -> None:
        """A receipt in review is confirmed only when the client accepts its open flags explicitly."""
        receipt = self.receipts.get(receipt_id)
        if receipt.status == "needs_review" and not accept_warnings:
            raise Conflict(
                "the receipt has open review flags; repair them or confirm with accept_warnings=true",
                code="review_required",
                extensions={"flags": list(receipt.review_flags or [])},
            )

    def delete_receipt(self, receipt_id: str, delete_items: bool = False) -> None:
        """Delete a receipt and its lines; a confirmed one's pantry items stay unless `delete_items`."""
        from foodsave.db.models import PantryItem  # not loaded by the OCR function, which never deletes

        receipt = self.receipts.get(receipt_id)
        line_ids = [ln.id for ln in receipt.lines]
        if line_ids:
            owned = (PantryItem.household_id == self.receipts.household_id) & PantryItem.receipt_line_id.in_(
                line_ids
            )
            if delete_items:
                self.session.execute(
                    delete(PantryItem).where(owned).execution_options(synchronize_session=False)
                )
            else:
                self.session.execute(
                    update(PantryItem).where(owned).values(receipt_line_id=None).execution_options(
                        synchronize_session=False)
                )  # fmt: skip
        key = receipt.object_key
        self.session.delete(receipt)
        self.session.flush()
        if self.receipts.store is not None:
            try:
                self.receipts.store.delete(key)
            except Exception as exc:  # noqa: BLE001 - a missing upload must not keep the receipt alive
                logger.info("receipt upload not deleted", extra={"key": key, "error": type(exc).__name__})

    @staticmethod
    def _drop(receipt: Receipt, matches: Any) -> None:
        receipt.review_flags = [f for f in receipt.review_flags or [] if not matches(f)]

    @staticmethod
    def _add(receipt: Receipt, flag: dict[str, Any]) -> None:
        receipt.review_flags = [*(receipt.review_flags or []), {"line": None, "position": None} | flag]


def _line_holds(line: ReceiptLine) -> bool:
    if line.total is None or line.unit_price is None:
        return False
    from foodsave.receipts.money import q2

    return q2(line.quantity * line.unit_price + (line.discount or Decimal(0))) == line.total
