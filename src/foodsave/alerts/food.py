"""Expiry notifications for every member of a household: each scheduled run finds the household's active
pantry items inside a member's warning window or just expired, and creates one notification per item,
threshold and member (recipe suggestions for what is still good, none for what is past its date), never at
night in that member's time zone, and hands each one to the outbox as a NotificationCreated event."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foodsave import outbox
from foodsave.alerts.catalog import NOTIFICATIONS_SENT
from foodsave.alerts.suggestions import Suggester, suggest
from foodsave.db.models import HouseholdMember, Notification, PantryItem, User
from foodsave.events import Event
from foodsave.observability import logger, record_metric, span
from foodsave.ports import Clock
from foodsave.text import count

DEFAULT_TIMEZONE = "Europe/Warsaw"
QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
EXPIRED_LOOKBACK_DAYS = 7  # items that expired longer ago are not announced (e.g. data from before sign-up)
MAX_WINDOW_DAYS = 30
EXPIRING, EXPIRED = "expiring", "expired"


def user_zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def in_quiet_hours(local: datetime, start: time = QUIET_START, end: time = QUIET_END) -> bool:
    """Whether a local wall-clock time is inside the quiet window (which may wrap midnight)."""
    now = local.time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def days_left(expires_at: date, now: datetime, zone: ZoneInfo) -> int:
    """Whole days from the user's local today to the expiry date (0 = expires today, -1 = yesterday)."""
    return (expires_at - now.astimezone(zone).date()).days


def due(days: int, window: int) -> tuple[str, int] | None:
    """(kind, threshold) of the notification an item deserves now, if any."""
    if days < -EXPIRED_LOOKBACK_DAYS:
        return None
    if days < 0:
        return (EXPIRED, 0)
    if days <= window:
        return (EXPIRING, window)
    return None


def message(name: str, kind: str, days: int, locale: str) -> str:
    if locale.startswith("pl"):
        if kind == EXPIRED:
            ago = "wczoraj" if days == -1 else f"{count(-days, 'day', 'pl')} temu"
            return f"{name}: termin minął {ago}. Sprawdź, zanim zjesz, albo wyrzuć."
        when = {0: "dziś", 1: "jutro"}.get(days, f"za {count(days, 'day', 'pl')}")
        return f"{name}: termin ważności mija {when}"
    if kind == EXPIRED:
        ago = "yesterday" if days == -1 else f"{count(-days, 'day', 'en')} ago"
        return f"{name} expired {ago}. Check it before eating, or throw it away."
    when = {0: "today", 1: "tomorrow"}.get(days, f"in {count(days, 'day', 'en')}")
    return f"{name} expires {when}"


@dataclass
class FoodAlertResult:
    created: list[str] = field(default_factory=list)
    deferred: int = 0  # due now but the user is in quiet hours; picked up by the first morning run

    def counts(self) -> dict[str, int]:
        return {"notifications_created": len(self.created), "notifications_deferred": self.deferred}


class ExpiryNotifier:
    def __init__(
        self,
        session: Session,
        clock: Clock,
        *,
        suggester: Suggester | None = None,
        quiet: tuple[time, time] = (QUIET_START, QUIET_END),
    ) -> None:
        self.session = session
        self.clock = clock
        self.suggester = suggester
        self.quiet = quiet

    def _candidates(self, now: datetime) -> list[tuple[PantryItem, User]]:
        widest = self.session.scalar(select(func.max(User.expiry_warning_days))) or 0
        widest = min(max(int(widest), 0), MAX_WINDOW_DAYS)
        today = now.date()  # UTC; a day of margin either side covers every zone
        rows = self.session.execute(
            select(PantryItem, User)
            .join(HouseholdMember, HouseholdMember.household_id == PantryItem.household_id)
            .join(User, User.id == HouseholdMember.user_id)
            .where(
                PantryItem.status == "active",
                PantryItem.expires_at.is_not(None),
                PantryItem.expires_at <= today + timedelta(days=widest + 1),
                PantryItem.expires_at >= today - timedelta(days=EXPIRED_LOOKBACK_DAYS + 1),
            )
            .order_by(User.id, PantryItem.expires_at, PantryItem.id)
        ).all()
        return [(item, user) for item, user in rows]

    def _existing(self, item_ids: Iterable[str]) -> set[tuple[str, str, str]]:
        """(item, kind, member) of the notifications already created for these items."""
        ids = sorted(set(item_ids))
        out: set[tuple[str, str, str]] = set()
        for i in range(0, len(ids), 500):
            out.update(
                (str(a), str(b), str(c))
                for a, b, c in self.session.execute(
                    select(Notification.pantry_item_id, Notification.kind, Notification.user_id).where(
                        Notification.pantry_item_id.in_(ids[i : i + 500])
                    )
                )
            )
        return out

    def run(self) -> FoodAlertResult:
        now = self.clock.now()
        result = FoodAlertResult()
        with span("alerts.food"):
            candidates = self._candidates(now)
            existing = self._existing(item.id for item, _ in candidates)
            notified_kinds = set(existing)
            for item, user in candidates:
                assert item.expires_at is not None
                zone = user_zone(user.timezone)
                window = min(max(int(user.expiry_warning_days or 0), 0), MAX_WINDOW_DAYS)
                days = days_left(item.expires_at, now, zone)
                decision = due(days, window)
                if decision is None:
                    continue
                kind, threshold = decision
                # One heads-up per item and member even if the member widens the window later.
                if (item.id, kind, user.id) in notified_kinds:
                    continue
                if in_quiet_hours(now.astimezone(zone), *self.quiet):
                    result.deferred += 1
                    continue
                notification_id = self._create(item, user, kind, threshold, days, now)
                if notification_id:
                    notified_kinds.add((item.id, kind, user.id))
                    result.created.append(notification_id)
        if result.created:
            record_metric(NOTIFICATIONS_SENT, len(result.created))
        return result

    def _create(
        self, item: PantryItem, user: User, kind: str, threshold: int, days: int, now: datetime
    ) -> str | None:
        assert item.expires_at is not None
        payload: dict[str, Any] = {
            "item": {"id": item.id, "name": item.name, "expires_at": item.expires_at.isoformat()},
            "days_left": days,
            "message": message(item.name, kind, days, user.locale or "pl"),
            # Food past its date is never an ingredient to cook with.
            "recipes": suggest(item.normalized_name, self.suggester) if kind == EXPIRING else [],
        }
        notification = Notification(
            user_id=user.id,
            kind=kind,
            pantry_item_id=item.id,
            threshold=threshold,
            payload=payload,
            created_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(notification)
                self.session.flush()
        except IntegrityError:  # a concurrent run created it first
            return None
        outbox.record(
            self.session,
            Event(
                type="NotificationCreated",
                user_id=user.id,
                occurred_at=now.isoformat(),
                data={"notification_id": notification.id, "kind": kind, "threshold": threshold, **payload},
            ),
        )
        logger.info(
            "notification created",
            extra={"notification_id": notification.id, "kind": kind, "days_left": days, "user_id": user.id},
        )
        return notification.id
