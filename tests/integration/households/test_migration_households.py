"""The households migration: every existing user becomes the owner of a household holding their shared rows,
and going back down gives each row its user again; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from foodsave.db.migrate import downgrade, upgrade

BEFORE = "0006_receipt_ocr_attempts"
AT = "2025-01-10 08:00:00"


def _run(url: str, *statements: tuple[str, dict[str, object]]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for sql, params in statements:
                conn.execute(text(sql), params)
    finally:
        engine.dispose()


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
    finally:
        engine.dispose()


def _seed_two_users(url: str) -> None:
    """Two users as the schema before households held them, each with one row in every shared table."""
    statements: list[tuple[str, dict[str, object]]] = []
    for user in ("u1", "u2"):
        p = {"u": user, "at": AT}
        statements += [
            ("INSERT INTO users (id, external_sub, locale, timezone, expiry_warning_days, created_at) "
             "VALUES (:u, :u, 'pl', 'Europe/Warsaw', 2, :at)", p),
            ("INSERT INTO receipts (id, user_id, object_key, status, currency, created_at, updated_at) "
             "VALUES (:u || '-r', :u, 'uploads/receipts/' || :u || '/r.jpg', 'parsed', 'PLN', :at, :at)", p),
            ("INSERT INTO pantry_items (id, user_id, name, normalized_name, category, quantity, unit, "
             "expiry_estimated, status, created_at, updated_at) "
             "VALUES (:u || '-p', :u, 'Mleko', 'mleko', 'dairy', 1, 'szt', false, 'active', :at, :at)", p),
            ("INSERT INTO pantry_events (id, user_id, pantry_item_id, kind, quantity, unit, finishes, at) "
             "VALUES (:u || '-e', :u, :u || '-p', 'consumed', 1, 'szt', false, :at)", p),
            ("INSERT INTO shopping_list_items (id, user_id, name, name_key, quantity, unit, done, source, "
             "created_at) VALUES (:u || '-s', :u, 'chleb', 'chleb', 1, 'szt', false, 'manual', :at)", p),
        ]  # fmt: skip
    _run(url, *statements)


SHARED = {"receipts": "r", "pantry_items": "p", "pantry_events": "e", "shopping_list_items": "s"}


def test_each_existing_user_owns_a_household_holding_their_rows(db_url):
    downgrade(db_url, BEFORE)
    _seed_two_users(db_url)
    upgrade(db_url)
    owners = dict(_rows(db_url, "SELECT user_id, household_id FROM household_members WHERE role = 'owner'"))
    assert sorted(owners) == ["u1", "u2"]
    assert owners["u1"] != owners["u2"]
    assert len(_rows(db_url, "SELECT id FROM households")) == 2
    for table in SHARED:
        rows = _rows(db_url, f"SELECT user_id, household_id FROM {table} ORDER BY user_id")  # noqa: S608
        assert rows == [("u1", owners["u1"]), ("u2", owners["u2"])], table


def test_going_down_gives_every_shared_row_its_owner_and_drops_households(db_url):
    downgrade(db_url, BEFORE)
    _seed_two_users(db_url)
    upgrade(db_url)
    downgrade(db_url, BEFORE)
    for table, suffix in SHARED.items():
        rows = _rows(db_url, f"SELECT id, user_id FROM {table} ORDER BY id")  # noqa: S608
        assert rows == [(f"u1-{suffix}", "u1"), (f"u2-{suffix}", "u2")], table
    tables = _rows(
        db_url,
        "SELECT name FROM sqlite_master WHERE name = 'households'"
        if db_url.startswith("sqlite")
        else "SELECT tablename FROM pg_tables WHERE tablename = 'households'",
    )
    assert tables == []
    upgrade(db_url)


def test_rows_a_departed_member_added_go_back_to_the_owner_on_the_way_down(db_url):
    downgrade(db_url, BEFORE)
    _seed_two_users(db_url)
    upgrade(db_url)
    # u2 joins u1's household and adds a line; then u2's account is erased (the line stays, authorless).
    _run(
        db_url,
        ("UPDATE household_members SET household_id = (SELECT household_id FROM household_members "
         "WHERE user_id = 'u1'), role = 'member' WHERE user_id = 'u2'", {}),
        ("INSERT INTO shopping_list_items (id, household_id, user_id, name, name_key, quantity, unit, done, "
         "source, created_at) SELECT 'x-s', household_id, NULL, 'masło', 'masło', 1, 'szt', false, 'manual', "
         ":at FROM household_members WHERE user_id = 'u1'", {"at": AT}),
    )  # fmt: skip
    downgrade(db_url, BEFORE)
    assert _rows(db_url, "SELECT user_id FROM shopping_list_items WHERE id = 'x-s'") == [("u1",)]
