"""receipt OCR attempts: how many times reading the current photo was started, so a reading that keeps
dying is given up after a bounded number of attempts

Revision ID: 0006_receipt_ocr_attempts
Revises: 0005_shopping_open_line
Create Date: 2026-11-30 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_receipt_ocr_attempts"
down_revision: str | None = "0005_shopping_open_line"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("receipts") as batch:
        batch.add_column(sa.Column("ocr_attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("receipts") as batch:
        batch.drop_column("ocr_attempts")
