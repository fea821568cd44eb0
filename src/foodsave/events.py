"""Domain event envelope shared by every producer and consumer (EventBridge detail, SQS body, local bus)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

EVENT_SOURCE = "foodsave"
# The event types of the index-builder's document jobs.
DOCUMENT_ADDED_EVENT = "DocumentAdded"
DOCUMENT_DELETED_EVENT = "DocumentDeleted"
EVENT_TYPES = (
    "ReceiptUploaded",
    "ReceiptParsed",
    "ReceiptConfirmed",
    "DocumentAdded",
    "DocumentDeleted",
    "IndexPublished",
    "NotificationCreated",
)


@dataclass(frozen=True)
class Event:
    type: str
    user_id: str | None
    data: dict[str, Any]
    version: int = 1
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    # When it happened, from the producer's Clock (ISO 8601, UTC); required so no event dates itself.
    occurred_at: str = field(kw_only=True)
    trace: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        return cls(
            type=str(raw["type"]),
            user_id=raw.get("user_id"),
            data=dict(raw.get("data") or {}),
            version=int(raw.get("version", 1)),
            id=str(raw.get("id") or uuid.uuid4()),
            occurred_at=str(raw["occurred_at"]),
            trace=dict(raw.get("trace") or {}),
        )
