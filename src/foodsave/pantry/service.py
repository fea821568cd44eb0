"""PantryService: a user's pantry items (CRUD, eating, throwing away, expiring, finding by name) and their
money statistics; every query scoped by the household of the signed-in user."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from foodsave.days import shift
from foodsave.db.locking import claim_owned
from foodsave.db.models import PantryEvent, PantryItem
from foodsave.db.search import contains_folded, folded, sorted_by
from foodsave.errors import Conflict, InvalidInput, NotFound
from foodsave.households.membership import household_of
from foodsave.pantry.schemas import PantryItemIn, PantryItemPatch, format_quantity
from foodsave.text import normalize_name

CENT = Decimal("0.01")
ZERO = Decimal("0")
FINISHED = {"consume": "consumed", "discard": "discarded"}
SORTABLE = {
    "expires_at": PantryItem.expires_at,
    "name": folded(PantryItem.name),
    "category": PantryItem.category,
    "purchased_at": PantryItem.purchased_at,
    "created_at": PantryItem.created_at,
    "price": PantryItem.price,
}


@dataclass(frozen=True)
class PantryStats:
    """Items bought in a period (purchase date, or the day they were added) and what became of their money.

    `spent = eaten + wasted + in_pantry`: eaten and wasted are the values of the portions consumed and
    discarded (a partly eaten item splits its price by quantity)."""

    since: date | None
    until: date
    counts: dict[str, int] = field(default_factory=dict)
    spent: Decimal = ZERO
    eaten: Decimal = ZERO
    wasted: Decimal = ZERO
    in_pantry: Decimal = ZERO
    past_date: Decimal = ZERO  # the part of in_pantry whose items are past their date: at risk, not saved
    eaten_share: Decimal | None = None
    wasted_share: Decimal | None = None
    currency: str = "PLN"


def local_today(now: datetime, timezone: str = "Europe/Warsaw") -> date:
    """The calendar day in the user's time zone (expiry dates are local days); UTC when the zone is unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return now.astimezone(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(UTC).date()


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def guess_category(name: str) -> str:
    """The receipt categoriser's category for a name typed by hand ("Jogurt naturalny 400g" -> dairy);
    `other` when it is unsure."""
    from foodsave.categories.categorize import default_categorizer
    from foodsave.pantry.schemas import CATEGORIES

    category, confidence = default_categorizer().categorize(name)
    return category if confidence >= 0.5 and category in CATEGORIES else "other"


class PantryService:
    def __init__(self, session: Session, user_id: str) -> None:
        self.session = session
        self.user_id = user_id
        self.household_id = household_of(session, user_id)

    def _scoped(self):  # type: ignore[no-untyped-def]
        return select(PantryItem).where(PantryItem.household_id == self.household_id)

    def add(
        self, data: PantryItemIn, *, expiry_estimated: bool = False, receipt_line_id: str | None = None
    ) -> PantryItem:
        category = data.category or guess_category(data.name)
        item = PantryItem(
            household_id=self.household_id,
            user_id=self.user_id,
            name=data.name,
            normalized_name=normalize_name(data.name),
            category=category,
            quantity=data.quantity,
            unit=data.unit,
            price=data.price,
            purchased_at=data.purchased_at,
            expires_at=data.expires_at,
            expiry_estimated=expiry_estimated,
            receipt_line_id=receipt_line_id,
        )
        self.session.add(item)
        self.session.flush()
        return item

    def get(self, item_id: str) -> PantryItem:
        item = self.session.scalar(self._scoped().where(PantryItem.id == item_id))
        if item is None:
            raise NotFound(f"pantry item {item_id} not found")
        return item

    def list(
        self,
        *,
        status: str | None = "active",
        category: str | None = None,
        expires_before: date | None = None,
        limit: int = 50,
        offset: int = 0,
        q: str | None = None,
        sort: str = "expires_at",
        order: str = "asc",
    ) -> tuple[Sequence[PantryItem], int]:
        """A page of items; `q` matches the name ignoring case and Polish accents, `sort` is a SORTABLE key."""
        query = self._scoped()
        if q:
            query = query.where(contains_folded(PantryItem.name, q))
        if status:
            query = query.where(PantryItem.status == status)
        if category:
            query = query.where(PantryItem.category == category)
        if expires_before:
            query = query.where(PantryItem.expires_at.is_not(None), PantryItem.expires_at <= expires_before)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(*sorted_by(SORTABLE[sort], order, PantryItem.created_at, PantryItem.id))
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total

    def _claim(self, item_id: str, at: datetime | None = None) -> PantryItem:
        """The item as committed now, held against concurrent changes until the transaction ends."""
        touch = {"updated_at": at} if at is not None else {}
        return claim_owned(self.session, PantryItem, item_id, self.household_id, "pantry item", **touch)

    def update(self, item_id: str, patch: PantryItemPatch, *, at: datetime) -> PantryItem:
        item = self._claim(item_id, at)
        changes = patch.model_dump(exclude_unset=True)
        new_status = changes.get("status")
        if new_status in ("consumed", "discarded") and item.status == "active":
            # Marking an item finished through PATCH is the same as eating or throwing away what is left.
            self._record(item, "consume" if new_status == "consumed" else "discard", item.quantity, at)
        elif new_status == "active" and item.status in ("consumed", "discarded"):
            self._undo_finish(item)
        for key, value in changes.items():
            if key in ("name", "quantity", "unit", "status", "category") and value is None:
                continue
            setattr(item, key, value)
        if "name" in changes and changes["name"]:
            item.normalized_name = normalize_name(changes["name"])
        if "expires_at" in changes:
            item.expiry_estimated = False
        self.session.flush()
        return item

    def delete(self, item_id: str) -> None:
        item = self._claim(item_id)
        self.session.delete(item)
        self.session.flush()

    # --- eating, throwing away, expiring, finding -------------------------------------------------

    def consume(self, item_id: str, quantity: Decimal | None = None, *, at: datetime) -> PantryItem:
        """Eat `quantity` (in the item's unit) or all of it; eating what is left marks the item consumed, asking
        for more than is left is a Conflict that changes nothing."""
        return self._use(item_id, "consume", quantity, at)

    def discard(self, item_id: str, quantity: Decimal | None = None, *, at: datetime) -> PantryItem:
        """Throw away `quantity` or all of it (wasted); throwing away what is left marks the item discarded."""
        return self._use(item_id, "discard", quantity, at)

    def _use(self, item_id: str, action: str, quantity: Decimal | None, at: datetime) -> PantryItem:
        if quantity is not None:
            if not quantity.is_finite() or quantity.quantize(Decimal("0.001")) <= 0:
                raise InvalidInput("quantity must be at least 0.001")
            quantity = quantity.quantize(Decimal("0.001"))
        item = self._claim(item_id, at)
        if item.status != "active":
            raise Conflict(f"pantry item {item_id} is already {item.status}")
        left = item.quantity if item.quantity and item.quantity > 0 else Decimal("1")
        if quantity is not None and quantity > left:
            raise Conflict(f"pantry item {item_id} has only {format_quantity(left)} {item.unit} left")
        self._record(item, action, quantity, at)
        self.session.flush()
        return item

    def _record(self, item: PantryItem, action: str, quantity: Decimal | None, at: datetime) -> None:
        """Write the event with the value of the portion, then shrink or finish the item."""
        remaining_qty = item.quantity if item.quantity and item.quantity > 0 else Decimal("1")
        whole = quantity is None or quantity >= remaining_qty
        portion = remaining_qty if whole else quantity
        assert portion is not None
        value: Decimal | None = None
        if item.price is not None:
            remaining_value = max(item.price - self._events_value(item.id), ZERO)
            value = (
                remaining_value
                if whole
                else (remaining_value * portion / remaining_qty).quantize(CENT, rounding=ROUND_HALF_UP)
            )
        self.session.add(
            PantryEvent(
                household_id=self.household_id,
                user_id=self.user_id,
                pantry_item_id=item.id,
                kind=FINISHED[action],
                quantity=portion,
                unit=item.unit,
                value=value,
                finishes=whole,
                at=at,
            )
        )
        if whole:
            item.status = FINISHED[action]
        else:
            item.quantity = remaining_qty - portion

    def _undo_finish(self, item: PantryItem) -> None:
        """Bringing a finished item back takes back the event that finished it (earlier partial uses stay)."""
        self.session.execute(
            delete(PantryEvent).where(
                PantryEvent.household_id == self.household_id,
                PantryEvent.pantry_item_id == item.id,
                PantryEvent.finishes.is_(True),
            )
        )

    def _events_value(self, item_id: str) -> Decimal:
        values = self.session.scalars(
            select(PantryEvent.value).where(
                PantryEvent.household_id == self.household_id, PantryEvent.pantry_item_id == item_id
            )
        ).all()
        return sum((v for v in values if v is not None), ZERO)

    def expiring(self, today: date, days: int) -> builtins.list[PantryItem]:
        """Active items that expire within `days` of `today`, already expired ones included, soonest first."""
        rows, _ = self.list(status="active", expires_before=shift(today, days, "today"), limit=10_000)
        return list(rows)

    def find_active_by_name(self, text: str) -> builtins.list[PantryItem]:
        """Active items whose name matches `text` despite inflection ("mleka" finds "Mleko 3,2%"), best first;
        among equally good matches the one that expires first comes first."""
        from foodsave.pantry.matching import rank_by_name  # the fuzzy matcher loads with the first search

        items = self.session.scalars(self._scoped().where(PantryItem.status == "active")).all()
        items = sorted(items, key=lambda i: (i.expires_at is None, i.expires_at or date.max, i.created_at))
        return [item for _, item in rank_by_name(text, items, lambda i: i.normalized_name or i.name)]

    def stats(self, today: date, since: date | None = None) -> PantryStats:
        """Counts and money of the items bought since `since` (all time when None); `today` dates "expired"."""
        query = self._scoped()
        if since is not None:
            query = query.where(
                or_(
                    PantryItem.purchased_at >= since,
                    and_(
                        PantryItem.purchased_at.is_(None),
                        PantryItem.created_at >= datetime.combine(since, time.min, tzinfo=UTC),
                    ),
                )
            )
        cohort = self.session.scalars(query).all()
        ids = [i.id for i in cohort]
        event_values: dict[tuple[str, str], Decimal] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            rows = self.session.execute(
                select(PantryEvent.pantry_item_id, PantryEvent.kind, PantryEvent.value).where(
                    PantryEvent.household_id == self.household_id, PantryEvent.pantry_item_id.in_(chunk)
                )
            ).all()
            for item_id, kind, value in rows:
                if value is not None and item_id is not None:
                    event_values[(item_id, kind)] = event_values.get((item_id, kind), ZERO) + value
        counts = {"active": 0, "consumed": 0, "discarded": 0, "expired": 0}
        spent = eaten = wasted = past_date = ZERO
        for item in cohort:
            counts[item.status] = counts.get(item.status, 0) + 1
            if item.status == "active" and item.expires_at is not None and item.expires_at < today:
                counts["expired"] += 1
            if item.price is None:
                continue
            ate = event_values.get((item.id, "consumed"), ZERO)
            threw = event_values.get((item.id, "discarded"), ZERO)
            left = max(item.price - ate - threw, ZERO)
            if item.status == "consumed":
                ate += left
            elif item.status == "discarded":
                threw += left
            spent += item.price
            eaten += ate
            wasted += threw
            if item.status == "active" and item.expires_at is not None and item.expires_at < today:
                past_date += left
        in_pantry = spent - eaten - wasted
        return PantryStats(
            since=since,
            until=today,
            counts=counts,
            spent=spent,
            eaten=eaten,
            wasted=wasted,
            in_pantry=in_pantry,
            past_date=past_date,
            eaten_share=_share(eaten, spent),
            wasted_share=_share(wasted, spent),
        )
