"""HTTP shapes of the receipts API (requests and responses)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from foodsave.inputs import clean_name, clean_optional_name
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


class ReviewFlagOut(BaseModel):
    """An open check the receipt failed: which (`code`), where (printed `line`, receipt line `position`), why."""

    code: str
    message: str
    line: int | None = None
    position: int | None = None
    receipt_id: str | None = Field(default=None, description="The receipt this one probably duplicates")


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
    flags: list[ReviewFlagOut] = Field(
        default_factory=list,
        validation_alias=AliasChoices("review_flags", "flags"),
        description="Open review flags; a receipt with flags is `needs_review` and is confirmed only with "
        "`accept_warnings`",
    )

    @field_validator("flags", mode="before")
    @classmethod
    def _no_flags(cls, value: Any) -> Any:
        return value or []


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

    _name = field_validator("name")(clean_optional_name)


class ReceiptPatch(BaseModel):
    """Repairs of the receipt itself during review."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"total": "141.26", "merchant": "lidl", "purchased_at": "2025-12-01T18:49:00Z"}]
        },
    )
    merchant: str | None = Field(default=None, min_length=1, max_length=64)
    total: Decimal | None = Field(default=None, ge=0, le=Decimal("99999999"), max_digits=10, decimal_places=2)
    purchased_at: datetime | None = None


class ReceiptLineIn(BaseModel):
    """A line the parse missed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Banany luz",
                    "total": "5.94",
                    "quantity": "0.85",
                    "unit": "kg",
                    "unit_price": "6.99",
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=200)
    total: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    quantity: Decimal | None = Field(
        default=None, gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )
    unit: Literal["szt", "kg", "g", "l", "ml", "opak"] | None = None
    unit_price: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    discount: Decimal | None = Field(default=None, le=0, max_digits=10, decimal_places=2)
    category: Category | None = None

    _name = field_validator("name")(clean_name)


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"accept_warnings": True}]})
    accept_warnings: bool = Field(
        default=False, description="Confirm a `needs_review` receipt with its open flags as they are"
    )


class ConfirmOut(BaseModel):
    receipt: ReceiptOut
    pantry_items: list[PantryItemOut]
    past_date_item_ids: list[str] = Field(
        default_factory=list,
        description="Items whose expiry, estimated from the purchase date, has already passed: check them "
        "before eating, or throw them away",
    )
