"""shopping list: one open line per user, product and unit, enforced by a partial unique index

Existing open duplicates are merged into the oldest line (quantities added, capped at 100000) first.

Revision ID: 0005_shopping_open_line
Revises: 0004_receipt_review_flags
Create Date: 2026-11-30 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0005_shopping_open_line"
down_revision: str | None = "0004_receipt_review_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_QUANTITY = Decimal("100000")


def _merge_open_duplicates() -> None:
    from foodsave.db.models import shopping_line_key

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, user_id, name, unit, quantity FROM shopping_list_items "
            "WHERE NOT done ORDER BY created_at, id"
        )
    ).all()
    keep: dict[tuple[str, str, str], tuple[str, Decimal]] = {}
    for row_id, user_id, name, unit, quantity in rows:
        key = shopping_line_key(name)
        bind.execute(
            sa.text("UPDATE shopping_list_items SET name_key = :k WHERE id = :i"), {"k": key, "i": row_id}
        )
        group = (user_id, key, unit)
        if group not in keep:
            keep[group] = (row_id, Decimal(str(quantity)))
            continue
        first_id, total = keep[group]
        total = min(total + Decimal(str(quantity)), MAX_QUANTITY)
        keep[group] = (first_id, total)
        bind.execute(sa.text("DELETE FROM shopping_list_items WHERE id = :i"), {"i": row_id})
        amount = str(total.quantize(Decimal("0.001"))) if bind.dialect.name == "sqlite" else total
        bind.execute(
            sa.text("UPDATE shopping_list_items SET quantity = :q WHERE id = :i"),
            {"q": amount, "i": first_id},
        )
    for row_id, name in bind.execute(sa.text("SELECT id, name FROM shopping_list_items WHERE done")).all():
        bind.execute(
            sa.text("UPDATE shopping_list_items SET name_key = :k WHERE id = :i"),
            {"k": shopping_line_key(name), "i": row_id},
        )


def upgrade() -> None:
    with op.batch_alter_table("shopping_list_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
    _merge_open_duplicates()
    with op.batch_alter_table("shopping_list_items", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.create_index(
            "uq_shopping_list_items_open_line",
            ["user_id", "name_key", "unit"],
            unique=True,
            sqlite_where=sa.text("NOT done"),
            postgresql_where=sa.text("NOT done"),
        )


def downgrade() -> None:
    with op.batch_alter_table("shopping_list_items", schema=None) as batch_op:
        batch_op.drop_index("uq_shopping_list_items_open_line")
        batch_op.drop_column("name_key")
