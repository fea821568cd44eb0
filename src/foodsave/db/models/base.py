"""The declarative base of every model, its naming convention, and the columns models share."""

import uuid
from typing import Any

from sqlalchemy import ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def household_fk() -> Any:
    return mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)


def added_by_fk() -> Any:
    """The member who added a shared row; kept (as NULL) when that member erases their account."""
    return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
