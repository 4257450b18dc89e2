"""Request and response bodies of the JSON API (pydantic), with the examples shown in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Selections = dict[str, Any]
EXAMPLE_SELECTIONS = {"frame_size": "M", "belt_drive": True, "gears": "hub8", "accessories": ["rack"]}


class _Request(BaseModel):
    # Unknown fields, such as a price a client sends along, are ignored: the server always prices itself.
    model_config = ConfigDict(extra="ignore")


class SelectionsRequest(_Request):
    """A (partial) selection: option id to value; a list of values for a multi-choice option."""

    selections: Selections = Field(default_factory=dict, examples=[EXAMPLE_SELECTIONS])


class PriceRequest(_Request):
    """A complete selection to price."""

    selections: Selections = Field(examples=[EXAMPLE_SELECTIONS])
    quantity: int | None = Field(None, ge=1, le=1_000_000, description="Units (default: the quantity option, or 1).")
    price_list: str | None = Field(None, description="Price list id (default: the product's currency).")


class BatchPriceRequest(_Request):
    """Many configurations of one product priced in one call."""

    items: list[PriceRequest] = Field(min_length=1, max_length=500)


class ProductSummary(BaseModel):
    """A product on offer."""

    id: str
    name: str
    currency: str
    base_price: str
    faces: list[str]
    face_reason: str


class PriceLineOut(BaseModel):
    """One line of a breakdown; amounts are decimal strings."""

    label: str
    amount: str
    source: str
    unit_amount: str | None = None


class PriceOut(BaseModel):
    """An itemized price; `total` is the sum of `lines`."""

    currency: str
    price_list: str
    quantity: int
    unit_price: str
    net: str
    tax_rate: str | None
    tax: str
    gross: str = Field(description="Net plus tax; the same as total.")
    total: str
    lines: list[PriceLineOut]
    label: str = Field(description="'total' for a complete configuration, 'from' for the cheapest completion.")


class DomainOut(BaseModel):
    """What one option can still take."""

    values: list[Any]
    excludable: list[Any] | None = None
    selected: Any = None


class ConfigureResponse(BaseModel):
    """The state of a selection."""

    consistent: bool
    complete: bool
    domains: dict[str, list[Any]]
    details: dict[str, DomainOut]
    violations: list[dict[str, Any]]
    price: PriceOut | None


class CompleteResponse(BaseModel):
    """A full valid selection extending the one given."""

    selections: Selections


class BatchPriceResponse(BaseModel):
    """One result per item, in order: a price or a problem."""

    results: list[PriceOut | dict[str, Any]]
