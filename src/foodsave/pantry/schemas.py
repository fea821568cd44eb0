"""Pantry input and output shapes, validated once at the edge."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from foodsave.days import Day
from foodsave.inputs import clean_name, clean_optional_name
from foodsave.pages import Page as Page  # re-exported: the list routes' page

CATEGORIES = (
    "dairy", "bakery", "meat", "fish", "fruit", "vegetables", "frozen", "dry_goods", "canned",
    "snacks", "beverages", "alcohol", "condiments", "ready_meals", "household", "cosmetics", "other",
)  # fmt: skip
Category = Literal[
    "dairy", "bakery", "meat", "fish", "fruit", "vegetables", "frozen", "dry_goods", "canned",
    "snacks", "beverages", "alcohol", "condiments", "ready_meals", "household", "cosmetics", "other",
]  # fmt: skip
Unit = Literal["szt", "kg", "g", "l", "ml", "opak"]
Status = Literal["active", "consumed", "discarded"]


def format_quantity(value: Decimal) -> str:
    """`1`, `0.535`, `2.5`: a quantity without trailing zeros and never in exponent form."""
    text = format(value.normalize(), "f")
    return text


# Built on first use (`defer_build`): a cold container builds only the shapes its first request's routes need.


class PantryItemIn(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Mleko 3,2% 1L",
                    "category": "dairy",
                    "quantity": "2",
                    "unit": "szt",
                    "price": "3.49",
                    "expires_at": "2030-01-05",
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=200)
    category: Category | None = None
    quantity: Decimal = Field(
        default=Decimal("1"), gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )
    unit: Unit = "szt"
    price: Decimal | None = Field(
        default=None, ge=0, le=Decimal("99999999.99"), max_digits=10, decimal_places=2
    )
    purchased_at: Day | None = None
    expires_at: Day | None = None

    _name = field_validator("name")(clean_name)


class PantryItemPatch(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="forbid",
        json_schema_extra={"examples": [{"quantity": "1", "expires_at": "2030-01-07"}]},
    )
    name: str | None = Field(default=None, min_length=1, max_length=200)
    category: Category | None = None
    quantity: Decimal | None = Field(
        default=None, gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )
    unit: Unit | None = None
    price: Decimal | None = Field(
        default=None, ge=0, le=Decimal("99999999.99"), max_digits=10, decimal_places=2
    )
    purchased_at: Day | None = None
    expires_at: Day | None = None
    status: Status | None = None

    _name = field_validator("name")(clean_optional_name)


class PantryItemOut(BaseModel):
    model_config = ConfigDict(defer_build=True, from_attributes=True)
    id: str
    name: str
    normalized_name: str
    category: str
    quantity: Decimal
    unit: str
    price: Decimal | None
    purchased_at: date | None
    expires_at: date | None
    expiry_estimated: bool
    status: str
    receipt_line_id: str | None
    created_at: datetime
    updated_at: datetime

    @field_serializer("quantity")
    def _quantity(self, value: Decimal) -> str:
        return format_quantity(value)


class UseIn(BaseModel):
    """How much of an item was eaten or thrown away, in the item's unit; all of it when omitted."""

    model_config = ConfigDict(
        defer_build=True, extra="forbid", json_schema_extra={"examples": [{"quantity": "0.5"}]}
    )
    quantity: Decimal | None = Field(
        default=None, gt=0, le=Decimal("100000"), max_digits=12, decimal_places=3
    )


class PantryStatsOut(BaseModel):
    """Items bought from `since` to `until`: counts by status and where their money went."""

    model_config = ConfigDict(defer_build=True, from_attributes=True)
    since: date | None
    until: date
    counts: dict[str, int] = Field(
        description="active, consumed, discarded, and expired (active past its date)"
    )
    spent: Decimal = Field(description="sum of the prices of the items bought in the period")
    eaten: Decimal = Field(description="value of what was eaten")
    wasted: Decimal = Field(description="value of what was thrown away")
    in_pantry: Decimal = Field(description="value still in the pantry")
    past_date: Decimal = Field(
        default=Decimal("0"),
        description="the part of in_pantry that is past its date: at risk, never counted as saved",
    )
    eaten_share: Decimal | None = Field(description="eaten / spent, 0..1; null when nothing was spent")
    wasted_share: Decimal | None = Field(description="wasted / spent, 0..1; null when nothing was spent")
    currency: str = "PLN"
