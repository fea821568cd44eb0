"""pantry events: eaten and discarded portions of pantry items with their value

Revision ID: 0002_pantry_events
Revises: 0001
Create Date: 2026-11-28 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import foodsave.db.types

revision: str = "0002_pantry_events"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pantry_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("pantry_item_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", foodsave.db.types.Quantity(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("value", foodsave.db.types.Money(), nullable=True),
        sa.Column("finishes", sa.Boolean(), nullable=False),
        sa.Column("at", foodsave.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pantry_item_id"],
            ["pantry_items.id"],
            name=op.f("fk_pantry_events_pantry_item_id_pantry_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pantry_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pantry_events")),
    )
    with op.batch_alter_table("pantry_events", schema=None) as batch_op:
        batch_op.create_index("ix_pantry_events_user_at", ["user_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pantry_events_pantry_item_id"), ["pantry_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pantry_events_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pantry_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pantry_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_pantry_events_pantry_item_id"))
        batch_op.drop_index("ix_pantry_events_user_at")
    op.drop_table("pantry_events")
