"""receipt review flags: the open line-level checks a receipt failed (and probable duplicates)

Revision ID: 0004_receipt_review_flags
Revises: 0003_idempotency_records
Create Date: 2026-11-30 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_receipt_review_flags"
down_revision: str | None = "0003_idempotency_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("receipts") as batch:
        batch.add_column(sa.Column("review_flags", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("receipts") as batch:
        batch.drop_column("review_flags")
