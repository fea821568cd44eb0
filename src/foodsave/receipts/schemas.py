"""HTTP shapes of the receipts API (requests and responses)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from foodsave.pantry.schemas import PantryItemOut

MediaType = Literal["image/jpeg", "image/png", "image/webp", "application/pdf"]
ReceiptStatus = Literal["pending", "processing", "parsed", "needs_review", "failed", "confirmed"]
Category = Literal[
    "dairy", "bakery", "meat", "fish", "fruit", "vegetables", "frozen", "dry_goods", "canned", "snacks",
    "beverages", "alcohol", "condiments", "ready_meals", "household", "cosmetics", "other",
]  # fmt: skip


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content_type: MediaType = "image/jpeg"


class UploadSlotOut(BaseModel):
    url: str
    fields: dict[str, str]
    key: str
    expires_at: datetime
    max_bytes: int
    content_types: list[str]


class ReceiptLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    position: int
    name_raw: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal | None
    discount: Decimal
    total: Decimal | None
    vat_letter: str | None
    category: str
    confidence: float


class ReceiptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    status: ReceiptStatus
    failure_reason: str | None
    merchant: str | None
    purchased_at: datetime | None
    total: Decimal | None
    currency: str
    vat_summary: dict[str, Any] | None
    warnings: list[str] | None
    ocr_engine: str | None
    timings: dict[str, Any] | None
    content_type: str | None
    created_at: datetime
    lines: list[ReceiptLineOut] = Field(default_factory=list)


class UploadOut(BaseModel):
    receipt: ReceiptOut
    upload: UploadSlotOut | None = None


class ReceiptLinePatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Jogurt naturalny", "category": "dairy", "quantity": "2", "unit": "szt"}]
        },
    )
    name: str | None = Field(default=None, min_length=1, max_length=200)
    category: Category | None = None
    quantity: Decimal | None = Field(
        default=None, gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )
    unit: Literal["szt", "kg", "g", "l", "ml", "opak"] | None = None
    unit_price: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    discount: Decimal | None = Field(default=None, le=0, max_digits=10, decimal_places=2)
    total: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)


class ConfirmOut(BaseModel):
    receipt: ReceiptOut
    pantry_items: list[PantryItemOut]
    past_date_item_ids: list[str] = Field(
        default_factory=list,
        description="Items whose expiry, estimated from the purchase date, has already passed: check them "
        "before eating, or throw them away",
    )
