"""Cost of scoping shared data by household, in process on SQLite: a page of a 500-item pantry as a request reads
it (the signed-in user's membership looked up, then the page and its total) against the same pages with the
membership looked up once (the baseline), and one expiry-notification run over a household of two members
against the same items in a household of one (the baseline). Baselines are measured in the same run."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record import spread, timed, write  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from foodsave.adapters.local import FrozenClock  # noqa: E402
from foodsave.alerts.food import ExpiryNotifier  # noqa: E402
from foodsave.config import Settings  # noqa: E402
from foodsave.db.migrate import upgrade  # noqa: E402
from foodsave.db.models import HouseholdMember, Notification, PantryItem  # noqa: E402
from foodsave.db.session import Database  # noqa: E402
from foodsave.households.membership import household_of  # noqa: E402
from foodsave.pantry.service import PantryService  # noqa: E402
from foodsave.users import get_or_create_user  # noqa: E402

ITEMS = 500
CALLS = 100
RUNS = 5
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def _seed(db: Database) -> tuple[str, str]:
    """anna's household with ITEMS items, a tenth of them expiring tomorrow; ben not yet in it."""
    with db.session() as s:
        anna = get_or_create_user(s, "dev:anna").id
        ben = get_or_create_user(s, "dev:ben").id
        home = household_of(s, anna)
        for n in range(ITEMS):
            expires = date(2026, 3, 11) if n % 10 == 0 else date(2026, 3, 10) + timedelta(days=30)
            s.add(
                PantryItem(
                    user_id=anna,
                    household_id=home,
                    name=f"Jogurt {n}",
                    normalized_name=f"jogurt {n}",
                    expires_at=expires,
                )
            )
    return anna, ben


def _listing(db: Database, anna: str) -> dict[str, object]:
    def per_request() -> None:  # as a request does: the membership looked up, then the page and its total
        with db.session() as s:
            for _ in range(CALLS):
                PantryService(s, anna).list(limit=50)

    def household_known() -> None:  # the same pages with the membership looked up once
        with db.session() as s:
            service = PantryService(s, anna)
            for _ in range(CALLS):
                service.list(limit=50)

    return {
        "calls_per_run": CALLS,
        "service": timed(per_request, RUNS),
        "baseline": timed(household_known, RUNS),
    }


def _notify(db: Database, clock: FrozenClock) -> float:
    with db.session() as s:
        s.execute(delete(Notification))
    started = time.perf_counter()
    with db.session() as s:
        ExpiryNotifier(s, clock).run()
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = Settings(data_dir=Path(tmp)).resolved_database_url()
        upgrade(url)
        clock = FrozenClock(NOW)
        db = Database(url, clock=clock)
        anna, ben = _seed(db)
        listing = _listing(db, anna)
        one = spread([_notify(db, clock) for _ in range(RUNS)])
        with db.session() as s:
            target = household_of(s, anna)
            member = s.scalar(select(HouseholdMember).where(HouseholdMember.user_id == ben))
            assert member is not None
            member.household_id, member.role = target, "member"
        two = spread([_notify(db, clock) for _ in range(RUNS)])
        db.dispose()
    write(
        "household_scope",
        {
            "items": ITEMS,
            "pantry_listing_seconds_per_run": listing,
            "expiry_run_seconds": {"two_members": two, "baseline_one_member": one},
        },
    )


if __name__ == "__main__":
    main()
