"""The typed shapes of a chat answer: `sources` (what the reply is based on) and `actions` (what the assistant
changed or proposes), each a union discriminated by `type`, so an app can render and act on them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    # Fields beyond the documented ones may be added over time; the `type` values are the contract.
    model_config = ConfigDict(extra="allow")


class PantryItemSource(_Part):
    type: Literal["pantry_item"]
    id: str
    name: str


class ShoppingListItemSource(_Part):
    type: Literal["shopping_list_item"]
    id: str
    name: str


class RecipeSource(_Part):
    type: Literal["recipe"]
    id: str
    title: str
    date: str | None = Field(default=None, description="the day of a meal plan this recipe is for")


class DocumentSource(_Part):
    type: Literal["document"]
    id: str
    title: str
    n: int | None = Field(default=None, description="citation number used in the reply ([1], [2], ...)")
    chunk: int | None = None
    score: float | None = None


class KnowledgeSource(_Part):
    """An article of the bundled food knowledge corpus quoted in the reply (storage, safety, dates)."""

    type: Literal["knowledge"]
    id: str
    title: str


class ReceiptSource(_Part):
    type: Literal["receipt"]
    id: str
    merchant: str | None
    status: str
    total: str | None = Field(description="decimal string, e.g. `42.97`")


class SpendingSource(_Part):
    type: Literal["spending"]
    start: str
    end: str
    receipts: int
    total: str | None = None
    currency: str | None = None
    category: str | None = None
    merchant: str | None = None


class WebSource(_Part):
    type: Literal["web"]
    title: str
    url: str
    n: int | None = None
    service: str | None = Field(default=None, description="e.g. `open-meteo` for weather")


ChatSource = Annotated[
    PantryItemSource
    | ShoppingListItemSource
    | RecipeSource
    | DocumentSource
    | KnowledgeSource
    | ReceiptSource
    | SpendingSource
    | WebSource,
    Field(discriminator="type"),
]


class PantryAddAction(_Part):
    type: Literal["pantry.add"]
    item_id: str
    name: str
    quantity: str
    unit: str


class PantryUseAction(_Part):
    """Eaten (`pantry.consume`) or thrown away (`pantry.discard`); `quantity` null means all of it."""

    type: Literal["pantry.consume", "pantry.discard"]
    item_id: str
    name: str
    quantity: str | None
    status: str


class ShoppingListItemAction(_Part):
    """A line added, ticked off (`shopping_list.done`) or removed."""

    type: Literal["shopping_list.add", "shopping_list.done", "shopping_list.remove"]
    item_id: str
    name: str


class ShoppingListAddManyAction(_Part):
    type: Literal["shopping_list.add_many"]
    count: int
    source: str


class ShoppingListClearAction(_Part):
    type: Literal["shopping_list.clear"]
    removed: int
    only_done: bool


class SuggestAction(_Part):
    """A message the app can offer as a one-tap reply."""

    type: Literal["suggest"]
    message: str


ChatAction = Annotated[
    PantryAddAction
    | PantryUseAction
    | ShoppingListItemAction
    | ShoppingListAddManyAction
    | ShoppingListClearAction
    | SuggestAction,
    Field(discriminator="type"),
]
