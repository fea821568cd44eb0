"""Database credentials in AWS, on a real PostgreSQL: the IAM app role the migration creates, and
passwords supplied per connection (IAM tokens or a re-read secret)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from foodsave.adapters.aws.db_auth import password_on_connect
from foodsave.db.app_role import ensure_app_role


@pytest.fixture
def admin(pg_url):  # type: ignore[no-untyped-def]
    engine = create_engine(pg_url, poolclass=NullPool)
    with engine.begin() as conn:
        # Aurora has this role built in; a plain PostgreSQL needs it made once.
        conn.execute(
            text("DO $$ BEGIN CREATE ROLE rds_iam; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        )
    yield engine
    engine.dispose()


def _privilege(engine, role: str, table: str, privilege: str) -> bool:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text("SELECT has_table_privilege(:r, :t, :p)"), {"r": role, "t": table, "p": privilege}
            ).scalar_one()
        )


def test_the_app_role_logs_in_through_rds_iam_and_reads_and_writes_every_table(admin):
    role = f"app_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        ensure_app_role(conn, role)
    with admin.connect() as conn:
        members = (
            conn.execute(
                text(
                    "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                    "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :r"
                ),
                {"r": role},
            )
            .scalars()
            .all()
        )
        can_login = conn.execute(
            text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).scalar_one()
    assert members == ["rds_iam"] and can_login is True
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        assert _privilege(admin, role, "receipts", privilege)
    assert not _privilege(admin, role, "receipts", "TRUNCATE")


def test_tables_added_by_later_migrations_are_granted_to_the_app_role(admin):
    role = f"app_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        ensure_app_role(conn, role)
        conn.execute(text("CREATE TABLE later_table (id int)"))
    assert _privilege(admin, role, "later_table", "INSERT")


def test_creating_the_app_role_twice_changes_nothing(admin):
    role = f"app_{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        with admin.begin() as conn:
            ensure_app_role(conn, role)
    assert _privilege(admin, role, "pantry_items", "UPDATE")


def test_a_role_name_that_is_not_a_plain_identifier_is_refused(admin):
    with admin.begin() as conn, pytest.raises(ValueError, match="identifier"):
        ensure_app_role(conn, "app; DROP TABLE receipts")


def test_every_new_connection_asks_for_a_fresh_password(pg_url):
    url = make_url(pg_url)
    handed_out: list[str] = []

    def password() -> str:
        handed_out.append(f"token-{len(handed_out)}")
        return handed_out[-1]

    engine = create_engine(url, poolclass=NullPool)
    password_on_connect(engine, password)
    try:
        for _ in range(2):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
    assert handed_out == ["token-0", "token-1"]
