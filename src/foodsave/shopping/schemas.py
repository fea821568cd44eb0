"""Shopping-list input and output shapes, validated once at the edge."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from foodsave.inputs import clean_name, clean_optional_name
from foodsave.pantry.schemas import format_quantity

UNIT_PATTERN = r"^[^\W\d_]{1,16}$"


class ShoppingItemIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "jajka", "quantity": "10", "unit": "szt"}]}
    )
    name: str = Field(min_length=1, max_length=200)
    quantity: Decimal = Field(
        default=Decimal("1"), gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )
    unit: str = Field(default="szt", pattern=UNIT_PATTERN, description="szt, g, kg, ml, l, opak, łyżka, ...")

    _name = field_validator("name")(clean_name)


class ShoppingItemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"done": True}]})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    quantity: Decimal | None = Field(
        default=None, gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )
    unit: str | None = Field(default=None, pattern=UNIT_PATTERN)
    done: bool | None = None

    _name = field_validator("name")(clean_optional_name)


class ShoppingItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    quantity: Decimal
    unit: str
    done: bool
    source: str
    created_at: datetime

    @field_serializer("quantity")
    def _quantity(self, value: Decimal) -> str:
        return format_quantity(value)


class ClearedOut(BaseModel):
    removed: int


class SpendingOut(BaseModel):
    start: date
    end: date
    total: Decimal
    by_category: dict[str, Decimal]
    by_merchant: dict[str, Decimal]
    receipts: int
    currency: str = "PLN"
