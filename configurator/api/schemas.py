"""Request and response bodies of the JSON API (pydantic), with the examples shown in the OpenAPI document."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, StrictInt, WithJsonSchema

from catalog.schema import MAX_INSTANCES, MAX_UNITS
from catalog.wording import _
from configurator.services.prices import PriceOut

MAX_TEXT = 10_000  # the longest a text option can be
MAX_LIST = 1_000
MAX_INT = 10**40
MAX_INSTANCE_VALUES = 200  # the most option values one instance of a component names


def clean_text(text: str) -> str:
    """Text that can be stored and sent back: no lone surrogates (not Unicode) and no NUL (PostgreSQL refuses it)."""
    if "\x00" in text:
        raise ValueError(_("text contains a NUL character"))
    if not text.isascii():
        try:
            text.encode("utf-8")  # fails exactly on lone surrogates; in C, so cheap on the hot path
        except UnicodeEncodeError:
            raise ValueError(_("text contains a lone surrogate (not Unicode)")) from None
    return text


def _instance_key(key: Any) -> str:
    """An option id inside an instance (checked against the component by the engine)."""
    if not isinstance(key, str) or len(key) > 200:
        raise ValueError(_("an instance names its options by id"))
    return clean_text(key)


def _selection_value(value: Any, instances: bool = True) -> Any:
    """A selection value as JSON can carry it: what it means for the option is the engine's to check (a list of
    objects: a component's instances, each its own values, never instances again)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValueError(_("text is longer than %(most)s characters") % {"most": MAX_TEXT})
        return clean_text(value)
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise ValueError(_("number is too large"))
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("number is not finite (NaN and Infinity are not JSON)"))
        return value
    if isinstance(value, Decimal):  # a JSON number with a fraction or exponent, read exactly (configurator.api.body)
        if not value.is_finite() or value.adjusted() > 40:
            raise ValueError(_("number is too large"))
        return value
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            raise ValueError(_("a list holds at most %(most)s values") % {"most": MAX_LIST})
        if instances and value and all(isinstance(item, dict) for item in value):
            if len(value) > MAX_INSTANCES or any(len(item) > MAX_INSTANCE_VALUES for item in value):
                said = {"most": MAX_INSTANCES, "values": MAX_INSTANCE_VALUES}
                raise ValueError(_("a component has at most %(most)s instances of %(values)s values each") % said)
            return [{_instance_key(key): _selection_value(inner, False) for key, inner in item.items()}
                    for item in value]
        if not all(isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)) for item in value):
            raise ValueError(_("a list holds value ids (text) only"))
        return [clean_text(item) if isinstance(item, str) else item for item in value]
    raise ValueError(_("a selection value is text, a number, true or false, or a list of value ids"))


_IDS_SCHEMA = {"type": "array", "maxItems": MAX_LIST, "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}
_SCALAR_SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "maxLength": MAX_TEXT}, {"type": "number"}, {"type": "boolean"}, _IDS_SCHEMA,
]
_INSTANCE_SCHEMA = {"type": "object", "maxProperties": MAX_INSTANCE_VALUES, "additionalProperties": {
    "anyOf": _SCALAR_SCHEMAS}}
_VALUE_SCHEMA = {
    "description": "A value id (single), true/false (boolean), a number or decimal string such as \"12.5\" "
    "(number), a JSON integer (quantity), text (text), a list of value ids (multi), or for a component a list of "
    "its instances, each an object of its options' values ({\"width\": 80, \"doors\": \"glass\"}); an instance's "
    "options may also be given one by one as `sections[2].width`, and the component's id as their number.",
    "anyOf": [*_SCALAR_SCHEMAS, {"type": "array", "maxItems": MAX_INSTANCES, "items": _INSTANCE_SCHEMA}],
}
Text = Annotated[str, Field(max_length=200), AfterValidator(clean_text)]
SelectionValue = Annotated[Any, PlainValidator(_selection_value), WithJsonSchema(_VALUE_SCHEMA)]
Selections = Annotated[dict[Text, SelectionValue], Field(max_length=MAX_LIST)]
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
    quantity: StrictInt | None = Field(
        None, ge=1, le=MAX_UNITS, description="Units, a JSON integer (default: the quantity option, or 1)."
    )
    price_list: Text | None = Field(None, description="Price list id (default: the product's currency).")
    market: Text | None = Field(None, description="A market the product names: priced by its price list.")


class ExplainRequest(_Request):
    """A value to ask about, given a (partial) selection."""

    selections: Selections = Field(default_factory=dict, examples=[{"belt_drive": True}])
    option: Text = Field(examples=["gears"])
    value: SelectionValue = Field(examples=["single"])


class Reason(BaseModel):
    """One element of a minimal explanation: a catalog rule, or one of the shopper's choices."""

    kind: Literal["rule", "choice"]
    id: str
    message: str


class ExplainResponse(BaseModel):
    """Whether the value is possible with the selection; if not, a minimal set of rules and choices that rule it
    out (drop any one of them and it is no longer ruled out by the rest)."""

    possible: bool
    because: list[Reason]


class RepairResponse(BaseModel):
    """The fewest earlier choices to drop so that the value fits, and the selection that results."""

    drop: list[str]
    selections: Selections


class BatchPriceRequest(_Request):
    """Many configurations of one product priced in one call."""

    items: list[PriceRequest] = Field(min_length=1, max_length=500)


class ProductSummary(BaseModel):
    """A product on offer: `face` is its place among the four faces, `faces` that one first, then every other
    face one of its options has."""

    id: str
    name: str
    currency: str
    base_price: str
    face: str
    faces: list[str]
    face_reason: str
    version: str = Field(description="The product's version: a hash of its catalog file (and any table files).")
    loaded_at: str = Field(description="When this server loaded that version (ISO 8601).")


class OptionFaceOut(BaseModel):
    """One option's face of mass customization and why."""

    option: str
    face: str
    reason: str


class ClassificationOut(BaseModel):
    """A product among Pine & Gilmore's four faces: its place, the share of its options (`profile`) and of its
    price range (`price_profile`) per face, the face most of its options have, and the options behind it."""

    product: str
    face: str
    dominant: str
    profile: dict[str, float]
    price_profile: dict[str, float]
    reasons: list[str]
    options: list[OptionFaceOut]


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
