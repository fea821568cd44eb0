"""household documents: a document may be shared with its uploader's household

Revision ID: 0008_household_documents
Revises: 0007_households
Create Date: 2026-11-30 23:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_household_documents"
down_revision: str | None = "0007_households"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("household_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            op.f("fk_documents_household_id_households"), "households", ["household_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch.create_index(op.f("ix_documents_household_id"), ["household_id"])


def downgrade() -> None:
    # Shared documents become personal documents of their uploader; those whose uploader is gone go.
    op.execute("DELETE FROM documents WHERE household_id IS NOT NULL AND user_id IS NULL")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index(op.f("ix_documents_household_id"))
        batch.drop_constraint(op.f("fk_documents_household_id_households"), type_="foreignkey")
        batch.drop_column("household_id")
