"""Where the domain says "one", the database refuses a second: open shopping-list lines, pantry items per
receipt line, notifications per item and threshold (on both databases)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.exc import IntegrityError

from foodsave.db.migrate import downgrade, upgrade
from foodsave.db.models import Notification, PantryItem, Receipt, ReceiptLine, ShoppingListItem, User
from foodsave.db.types import Quantity, UTCDateTime
from foodsave.households.membership import household_of


@pytest.fixture
def user_id(services) -> str:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        user = User(external_sub="dev:uniq")
        s.add(user)
        s.flush()
        return user.id


@pytest.fixture
def home(services, user_id) -> str:  # type: ignore[no-untyped-def]
    """The household of `user_id`, which every shared row names."""
    with services.db.session() as s:
        return household_of(s, user_id)


def _insert_twice(services, make) -> None:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        s.add(make())
    with pytest.raises(IntegrityError), services.db.session() as s:
        s.add(make())


def test_a_second_open_line_for_the_same_product_and_unit_is_refused(services, user_id, home):
    _insert_twice(
        services, lambda: ShoppingListItem(user_id=user_id, household_id=home, name="Mleko", unit="l")
    )


def test_a_bought_line_does_not_block_a_new_open_one(services, user_id, home):
    with services.db.session() as s:
        s.add(ShoppingListItem(user_id=user_id, household_id=home, name="mleko", done=True))
        s.add(ShoppingListItem(user_id=user_id, household_id=home, name="mleko", done=True))
        s.add(ShoppingListItem(user_id=user_id, household_id=home, name="mleko"))
    with services.db.session() as s:
        assert s.query(ShoppingListItem).count() == 3


def test_a_second_pantry_item_for_one_receipt_line_is_refused(services, user_id, home):
    with services.db.session() as s:
        receipt = Receipt(
            user_id=user_id, household_id=home, object_key="uploads/receipts/u/r.jpg", status="parsed"
        )
        s.add(receipt)
        s.flush()
        line = ReceiptLine(receipt_id=receipt.id, position=0, name_raw="MLEKO", name="mleko")
        s.add(line)
        s.flush()
        line_id = line.id
    _insert_twice(services, lambda: PantryItem(user_id=user_id, household_id=home, name="mleko",
                                               normalized_name="mleko", receipt_line_id=line_id))  # fmt: skip


def test_a_second_notification_for_one_item_and_threshold_is_refused(services, user_id, home):
    with services.db.session() as s:
        item = PantryItem(user_id=user_id, household_id=home, name="jogurt", normalized_name="jogurt")
        s.add(item)
        s.flush()
        item_id = item.id
    _insert_twice(
        services,
        lambda: Notification(user_id=user_id, kind="expiring", pantry_item_id=item_id, threshold=2),
    )


def test_upgrading_merges_open_duplicates_into_the_oldest_line(db_url):
    downgrade(db_url, "0004_receipt_review_flags")
    engine = create_engine(db_url)
    rows = [("l1", "Jajka", "2", False, "2026-11-01"), ("l2", "jajko", "3", False, "2026-11-02"),
            ("l3", "jajka", "5", True, "2026-11-03"), ("l4", "chleb", "1", False, "2026-11-04")]  # fmt: skip
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, external_sub, locale, timezone, expiry_warning_days, "
                              "created_at) VALUES ('u1', 'dev:merge', 'pl', 'UTC', 2, CURRENT_TIMESTAMP)"))  # fmt: skip
            for row_id, name, qty, done, created in rows:
                conn.execute(
                    text(
                        "INSERT INTO shopping_list_items (id, user_id, name, quantity, unit, done, source, "
                        "created_at) VALUES (:i, 'u1', :n, :q, 'szt', :d, 'manual', :c)"
                    ).bindparams(
                        bindparam("q", type_=Quantity()), bindparam("c", type_=UTCDateTime())
                    ),  # fmt: skip
                    {
                        "i": row_id,
                        "n": name,
                        "q": Decimal(qty),
                        "d": done,
                        "c": datetime.fromisoformat(created).replace(tzinfo=UTC),
                    },  # fmt: skip
                )
        upgrade(db_url)
        with engine.connect() as conn:
            left = conn.execute(text("SELECT id, quantity, done FROM shopping_list_items ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [(i, Decimal(str(q)), bool(d)) for i, q, d in left] == [
        ("l1", Decimal("5"), False),
        ("l3", Decimal("5"), True),
        ("l4", Decimal("1"), False),
    ]
