"""The suite's world: a fixed instant, ten pantry items dated around it, one receipt, the knowledge index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

NOW = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)  # 10:00 in Warsaw
TODAY = date(2025, 1, 15)
USER = "dev:suite"

# name, quantity, unit, days to expiry, category
PANTRY: tuple[tuple[str, str, str, int, str], ...] = (
    ("Mleko 3,2% 1L", "2", "szt", 2, "dairy"),
    ("Jajka", "10", "szt", 12, "dairy"),
    ("Jogurt naturalny 400g", "1", "szt", 1, "dairy"),
    ("Kurczak filet", "0.5", "kg", -3, "meat"),
    ("Ser gouda", "200", "g", 20, "dairy"),
    ("Chleb żytni", "1", "szt", -1, "bakery"),
    ("Makaron penne", "500", "g", -585, "dry_goods"),
    ("Pomidory", "1", "kg", 4, "vegetables"),
    ("Masło", "1", "szt", 30, "dairy"),
    ("Szpinak", "150", "g", 0, "vegetables"),
)
RECEIPT_TOTAL = Decimal("87.40")


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@dataclass
class World:
    services: Any
    user_id: str


def stock(services: Any, sub: str = USER) -> World:
    """Create the suite's user with its pantry and one receipt from three days ago."""
    from foodsave.db.models import Receipt, ReceiptLine, User
    from foodsave.households.membership import household_of
    from foodsave.users import get_or_create_user

    with services.db.session() as session:
        user: User = get_or_create_user(session, sub)
        user.locale = "pl"
        for name, quantity, unit, days, category in PANTRY:
            from foodsave.db.models import PantryItem

            session.add(
                PantryItem(
                    user_id=user.id,
                    household_id=household_of(session, user.id),
                    name=name,
                    normalized_name=name.lower(),
                    category=category,
                    quantity=Decimal(quantity),
                    unit=unit,
                    purchased_at=TODAY - timedelta(days=5),
                    expires_at=TODAY + timedelta(days=days),
                    status="active",
                    created_at=NOW - timedelta(days=5),
                    updated_at=NOW - timedelta(days=5),
                )
            )
        receipt = Receipt(
            user_id=user.id,
            household_id=household_of(session, user.id),
            object_key=f"suite/{sub}/r1.jpg",
            status="confirmed",
            merchant="Biedronka",
            purchased_at=NOW - timedelta(days=3),
            total=RECEIPT_TOTAL,
            created_at=NOW - timedelta(days=3),
        )
        receipt.lines.append(
            ReceiptLine(position=1, name_raw="MLEKO", name="mleko", total=Decimal("7.40"), category="dairy")
        )
        receipt.lines.append(
            ReceiptLine(
                position=2, name_raw="KURCZAK", name="kurczak", total=Decimal("80.00"), category="meat"
            )
        )
        session.add(receipt)
        session.flush()
        user_id = user.id
    return World(services, user_id)


def publish_knowledge(services: Any) -> None:
    """The shared knowledge index, built with the services' embedder into their object store."""
    from foodsave.vectors.corpus import build_corpus_index

    build_corpus_index("knowledge", store=services.store, embedder=services.embedder, clock=services.clock)
