"""households: shared pantry, shopping list, receipts and pantry events; members, roles and invites

Every existing user becomes the owner of a household of their own that holds all their shared rows. The
shared rows keep `user_id` as the member who added them (NULL once that member erases their account).
Expiry notifications become unique per item, kind, threshold and member.

Revision ID: 0007_households
Revises: 0006_receipt_ocr_attempts
Create Date: 2026-11-30 21:30:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import foodsave.db.types

revision: str = "0007_households"
down_revision: str | None = "0006_receipt_ocr_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED = ("pantry_items", "pantry_events", "receipts", "shopping_list_items")
# Indexes on the owner column that are rebuilt on the household: (table, old name, new name, other columns).
OWNER_INDEXES = (
    ("pantry_items", "ix_pantry_items_user_status_expires", "ix_pantry_items_household_status_expires",
     ["status", "expires_at"]),
    ("pantry_events", "ix_pantry_events_user_at", "ix_pantry_events_household_at", ["at"]),
)  # fmt: skip
OPEN_LINE = "uq_shopping_list_items_open_line"


def _create_tables() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", foodsave.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    )
    op.create_table(
        "household_members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", foodsave.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_household_members_household_id_households"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_household_members_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members")),
        sa.UniqueConstraint("user_id", name=op.f("uq_household_members_user_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_household_members_household_id"), "household_members", ["household_id"])
    op.create_table(
        "household_invites",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", foodsave.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", foodsave.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", foodsave.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_household_invites_household_id_households"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_household_invites_created_by_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["used_by"], ["users.id"], name=op.f("fk_household_invites_used_by_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_invites")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_household_invites_code_digest")),
    )  # fmt: skip
    op.create_index(op.f("ix_household_invites_household_id"), "household_invites", ["household_id"])


def _household_per_user() -> None:
    """Each user owns a household of their own, dated when the user was created."""
    bind = op.get_bind()
    households = sa.table("households", sa.column("id"), sa.column("created_at"))
    members = sa.table(
        "household_members", sa.column("id"), sa.column("household_id"), sa.column("user_id"),
        sa.column("role"), sa.column("joined_at"),
    )  # fmt: skip
    for user_id, created_at in bind.execute(sa.text("SELECT id, created_at FROM users ORDER BY id")).all():
        household_id = str(uuid.uuid4())
        bind.execute(households.insert().values(id=household_id, created_at=created_at))
        bind.execute(
            members.insert().values(
                id=str(uuid.uuid4()), household_id=household_id, user_id=user_id, role="owner",
                joined_at=created_at,
            )
        )  # fmt: skip


def upgrade() -> None:
    _create_tables()
    _household_per_user()
    for table in SHARED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("household_id", sa.String(length=36), nullable=True))
        op.execute(
            f"UPDATE {table} SET household_id = (SELECT m.household_id FROM household_members m "  # noqa: S608
            f"WHERE m.user_id = {table}.user_id)"
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("household_id", existing_type=sa.String(length=36), nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{table}_household_id_households"), "households", ["household_id"], ["id"],
                ondelete="CASCADE",
            )  # fmt: skip
            batch.create_index(op.f(f"ix_{table}_household_id"), ["household_id"])
            batch.drop_constraint(op.f(f"fk_{table}_user_id_users"), type_="foreignkey")
            batch.alter_column("user_id", existing_type=sa.String(length=36), nullable=True)
            batch.create_foreign_key(
                op.f(f"fk_{table}_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL"
            )
    for table, old, new, columns in OWNER_INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(old)
            batch.create_index(new, ["household_id", *columns])
    with op.batch_alter_table("shopping_list_items") as batch:
        batch.drop_index(OPEN_LINE)
        batch.create_index(
            OPEN_LINE, ["household_id", "name_key", "unit"], unique=True,
            sqlite_where=sa.text("NOT done"), postgresql_where=sa.text("NOT done"),
        )  # fmt: skip
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("uq_notifications_item_kind_threshold", type_="unique")
        batch.create_unique_constraint(
            "uq_notifications_item_kind_threshold_user", ["pantry_item_id", "kind", "threshold", "user_id"]
        )


def downgrade() -> None:
    # One notification per item, kind and threshold again: the earliest one stays.
    op.execute(
        "DELETE FROM notifications WHERE pantry_item_id IS NOT NULL AND id NOT IN ("
        "SELECT MIN(id) FROM notifications WHERE pantry_item_id IS NOT NULL "
        "GROUP BY pantry_item_id, kind, threshold)"
    )
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("uq_notifications_item_kind_threshold_user", type_="unique")
        batch.create_unique_constraint(
            "uq_notifications_item_kind_threshold", ["pantry_item_id", "kind", "threshold"]
        )
    with op.batch_alter_table("shopping_list_items") as batch:
        batch.drop_index(OPEN_LINE)
    for table, old, new, columns in OWNER_INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(new)
            batch.create_index(old, ["user_id", *columns])
    for table in SHARED:
        # Shared rows go back to the household's owner (owners and households pair one to one, so the
        # per-user open shopping line stays unique); rows of a household with no owner left go.
        op.execute(
            f"UPDATE {table} SET user_id = (SELECT m.user_id FROM household_members m "  # noqa: S608
            f"WHERE m.household_id = {table}.household_id AND m.role = 'owner')"
        )
        op.execute(f"DELETE FROM {table} WHERE user_id IS NULL")  # noqa: S608
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_user_id_users"), type_="foreignkey")
            batch.alter_column("user_id", existing_type=sa.String(length=36), nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{table}_user_id_users"), "users", ["user_id"], ["id"], ondelete="CASCADE"
            )
            batch.drop_index(op.f(f"ix_{table}_household_id"))
            batch.drop_constraint(op.f(f"fk_{table}_household_id_households"), type_="foreignkey")
            batch.drop_column("household_id")
    with op.batch_alter_table("shopping_list_items") as batch:
        batch.create_index(
            OPEN_LINE, ["user_id", "name_key", "unit"], unique=True,
            sqlite_where=sa.text("NOT done"), postgresql_where=sa.text("NOT done"),
        )  # fmt: skip
    op.drop_table("household_invites")
    op.drop_table("household_members")
    op.drop_table("households")
