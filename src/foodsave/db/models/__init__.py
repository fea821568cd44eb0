"""SQLAlchemy models of the FoodSave data: here the people who own it (users, households and their members),
and one module per other aggregate: receipts, pantry, chat, documents, shopping, alerts, notifications,
operations (outbox, consumed messages, idempotency).

Building a model's mapping costs a few milliseconds, so a function loads only the aggregates it touches:
`from foodsave.db.models import PantryItem` imports the pantry module on first use; the modules of the
tables its foreign keys name load before its rows are first written (foodsave.db.references). `load_all()`
loads every one, for what must see the whole schema: migrations and their autogenerate, account and
household erasure, mapper configuration before a snapshot.

The people models stay in this module on purpose: a flush orders mappers that no relationship links by
module and class name, and `foodsave.db.models.Household` sorts before `foodsave.db.models.pantry.PantryItem`,
so a household made in the same flush as rows that name it is inserted before them.
"""

import importlib
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import Mapped, mapped_column

from foodsave.db.models.base import NAMING, Base, new_id
from foodsave.db.timestamps import row_time
from foodsave.db.types import UTCDateTime

if TYPE_CHECKING:
    from foodsave.db.models.alerts import Alert, AlertHistory, AlertRule, MetricPoint
    from foodsave.db.models.chat import Conversation, Message
    from foodsave.db.models.documents import Document
    from foodsave.db.models.notifications import Notification
    from foodsave.db.models.operations import IdempotencyRecord, OutboxEvent, ProcessedMessage
    from foodsave.db.models.pantry import PantryEvent, PantryItem
    from foodsave.db.models.receipts import Receipt, ReceiptLine
    from foodsave.db.models.shopping import ShoppingListItem, shopping_line_key

# Where each model lives.
_HOMES = {
    "Receipt": "receipts",
    "ReceiptLine": "receipts",
    "PantryItem": "pantry",
    "PantryEvent": "pantry",
    "Conversation": "chat",
    "Message": "chat",
    "Document": "documents",
    "ShoppingListItem": "shopping",
    "shopping_line_key": "shopping",
    "AlertRule": "alerts",
    "Alert": "alerts",
    "AlertHistory": "alerts",
    "MetricPoint": "alerts",
    "Notification": "notifications",
    "OutboxEvent": "operations",
    "ProcessedMessage": "operations",
    "IdempotencyRecord": "operations",
}
AGGREGATES = tuple(dict.fromkeys(_HOMES.values()))
__all__ = [
    "NAMING",
    "Base",
    "new_id",
    "load_all",
    "AGGREGATES",
    "User",
    "Household",
    "HouseholdMember",
    "HouseholdInvite",
    "Receipt",
    "ReceiptLine",
    "PantryItem",
    "PantryEvent",
    "Conversation",
    "Message",
    "Document",
    "ShoppingListItem",
    "shopping_line_key",
    "AlertRule",
    "Alert",
    "AlertHistory",
    "MetricPoint",
    "Notification",
    "OutboxEvent",
    "ProcessedMessage",
    "IdempotencyRecord",
]


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    external_sub: Mapped[str] = mapped_column(String(255), unique=True)
    locale: Mapped[str] = mapped_column(String(10), default="pl")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    expiry_warning_days: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class Household(Base):
    """The people who share one pantry, shopping list, receipts and spending."""

    __tablename__ = "households"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class HouseholdMember(Base):
    """A user's place in a household (one at a time): `owner` or `member`."""

    __tablename__ = "household_members"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="owner")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)


class HouseholdInvite(Base):
    """A single-use invitation into a household; only a digest of its code is stored."""

    __tablename__ = "household_invites"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=row_time)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    used_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def __getattr__(name: str) -> Any:
    """A model by name, importing its aggregate's module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = f"{__name__}.{home}"
    __import__(module)  # the import statement's own path, which `-X importtime` reports
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value


def load_all() -> MetaData:
    """Import every aggregate's models; the metadata then describes the whole schema."""
    for aggregate in AGGREGATES:
        importlib.import_module(f"{__name__}.{aggregate}")
    return Base.metadata
