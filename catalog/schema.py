"""The catalog language, v1: pydantic models of a product, its options, rules and prices."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

from catalog.document import MAX_FILE_BYTES, MAX_IMPORTED_FILE_MIB, MAX_IMPORTED_NODES, MAX_NODES, MIB

SCHEMA_VERSION = 1

_DECIMAL_JSON = {
    "anyOf": [{"type": "string", "pattern": r"^-?\d{1,12}(\.\d{1,6})?$"}, {"type": "number"}],
}


# Amounts are bounded in size and scale, so exact prices stay within what Decimal arithmetic keeps exact.
AMOUNT_DIGITS = 12
AMOUNT_PLACES = 6
MAX_UNITS = 1_000_000  # the most units one order (a quantity option, a tier, an API call) can name
MAX_NUMBER_VALUES = 100_000  # the most values a number option's grid may have (checked at load)


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('write amounts as decimal strings, e.g. "12.50"')
    return value


def _bounded(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if abs(value) >= Decimal(10) ** AMOUNT_DIGITS:
        raise ValueError(f"must have at most {AMOUNT_DIGITS} digits before the decimal point")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_PLACES:
        raise ValueError(f"must have at most {AMOUNT_PLACES} decimal places")
    return value


def _as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Amount = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_bounded), WithJsonSchema(_DECIMAL_JSON)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^`\n\r\t]+$")]
ValueId = Annotated[
    str,
    BeforeValidator(_as_text),
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^`\n\r\t]+$"),
]
# Hand-written expressions stay short; an imported model's file may raise its own limit (`limits:`) up to the cap.
MAX_EXPRESSION = 4000
MAX_IMPORTED_EXPRESSION = 100_000
Expression = Annotated[str, StringConstraints(min_length=1, max_length=MAX_IMPORTED_EXPRESSION)]
Face = Literal["collaborative", "transparent", "cosmetic", "adaptive"]
Scalar = bool | int | Amount | str


def number_grid(low: Decimal, high: Decimal, step: Decimal) -> list[Decimal]:
    """low, low + step, ... up to high (empty if the bounds are crossed; cut at MAX_NUMBER_VALUES + 1)."""
    if step <= 0 or low > high:
        return []
    count = int((high - low) / step) + 1
    return [low + i * step for i in range(min(count, MAX_NUMBER_VALUES + 1))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Customization(_Strict):
    """What choosing an option customizes, for the four-faces classification."""

    changes_product: bool = Field(False, description="Choosing it changes the product itself.")
    changes_representation: bool = Field(
        False, description="Choosing it changes the representation: packaging, labelling, presentation."
    )
    timing: Literal["order", "use"] = Field(
        "order", description="'order': the shopper sets it now; 'use': the customer adapts it in use."
    )
    inferred_from: str | None = Field(
        None, description="Profile field the firm infers this option from, instead of asking."
    )
    face: Face | None = Field(
        None, description="Overrides the face derived from the facts above (`configurator check` warns on a conflict)."
    )


_RELATIVE_PATH = re.compile(r"[A-Za-z0-9_.~%+-]+(/[A-Za-z0-9_.~%+-]+)*")  # no scheme, no "..", no backslash
_HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9_.~%+/=?&#;,:!$'()*@-]*)?")


def _image_reference(text: str) -> str:
    """A picture a page may load: a relative path under the catalog's or the app's static files, or https:."""
    path = text.removeprefix("/static/") if text.startswith("/static/") else text
    relative = _RELATIVE_PATH.fullmatch(path) is not None and not {".", ".."} & set(path.split("/"))
    if relative or _HTTPS_URL.fullmatch(text):
        return text
    raise ValueError(
        "must be a relative path under the catalog's files or the app's static files (/static/...), or an "
        f"https: URL; {text[:60]!r} is neither"
    )


ImageRef = Annotated[
    str,
    StringConstraints(max_length=2_000),
    AfterValidator(_image_reference),
    Field(description="A relative path under the catalog's files or /static/..., or an https: URL."),
]


class Value(_Strict):
    """One value of a choice option."""

    id: ValueId
    label: str | None = None
    description: str = ""
    price: Amount = Decimal(0)
    price_percent: Amount | None = Field(None, description="Delta as a percent of the base price.")
    image: ImageRef | None = None
    swatch: str | None = Field(None, description="A colour swatch, e.g. '#1e5aa8'.")
    default: bool = False


def _value_shorthand(values: Any) -> Any:
    """`values: [S, M, L]` is short for `values: [{id: S}, {id: M}, {id: L}]`."""
    if isinstance(values, list):
        return [{"id": v} if isinstance(v, (str, int)) and not isinstance(v, bool) else v for v in values]
    return values


def _shorthand_schema(schema: dict[str, Any]) -> None:
    schema["items"] = {"anyOf": [schema["items"], {"type": "string"}, {"type": "integer"}]}


Values = Annotated[
    list[Value], BeforeValidator(_value_shorthand), Field(min_length=1, json_schema_extra=_shorthand_schema)
]


class _Option(_Strict):
    id: Identifier
    label: str | None = None
    description: str = ""
    customization: Customization = Customization()


class SingleOption(_Option):
    """Exactly one value out of a list."""

    type: Literal["single"]
    values: Values
    default: ValueId | None = None

    @cached_property
    def value_ids(self) -> frozenset[str]:
        """The ids of its values."""
        return frozenset(value.id for value in self.values)


class MultiOption(_Option):
    """Any subset of a list of values, between min and max of them."""

    type: Literal["multi"]
    values: Values
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)
    default: list[ValueId] = []

    @cached_property
    def value_ids(self) -> frozenset[str]:
        """The ids of its values."""
        return frozenset(value.id for value in self.values)


class BooleanOption(_Option):
    """Yes or no."""

    type: Literal["boolean"]
    default: bool = False
    price: Amount = Field(Decimal(0), description="Price delta when chosen.")


class NumberOption(_Option):
    """A number from min to max in steps of step."""

    type: Literal["number"]
    min: Amount
    max: Amount
    step: Amount = Decimal(1)
    unit: str | None = None
    default: Amount | None = None

    def grid(self) -> list[Decimal]:
        """The values it can take: min, min + step, ... up to max (cut at MAX_NUMBER_VALUES + 1)."""
        return number_grid(self.min, self.max, self.step)


class TextOption(_Option):
    """Free text, such as an engraving."""

    type: Literal["text"]
    max_length: int = Field(100, ge=1, le=10_000)
    pattern: str | None = Field(None, description="A regular expression the whole text must match.")
    pattern_hint: str | None = Field(
        None, max_length=200,
        description="What the pattern allows, in the shopper's words (a pattern of one character class, such as "
                    "[A-Za-z0-9 .'-]*, is put in words without it).",
    )
    required: bool = False
    default: str = ""
    price: Amount = Field(Decimal(0), description="Price delta when the text is not empty.")


class QuantityOption(_Option):
    """How many units are ordered."""

    type: Literal["quantity"]
    min: int = Field(1, ge=0, le=MAX_UNITS)
    max: int = Field(10_000, ge=0, le=MAX_UNITS)
    step: int = Field(1, ge=1, le=MAX_UNITS)
    default: int | None = None

    def grid(self) -> list[Decimal]:
        """The quantities it can take: min, min + step, ... up to max."""
        return number_grid(Decimal(self.min), Decimal(self.max), Decimal(self.step))


AnyOption = SingleOption | MultiOption | BooleanOption | NumberOption | TextOption | QuantityOption
ChoiceOption = SingleOption | MultiOption
Option = Annotated[AnyOption, Field(discriminator="type")]


class Step(_Strict):
    """A group of options shown together, in order."""

    id: Identifier
    label: str
    description: str = ""
    options: list[Option] = Field(min_length=1)


class _Rule(_Strict):
    id: Identifier
    message: str = Field(min_length=1, description="Shown to shoppers when the rule rules a value out.")


class RequiresRule(_Rule):
    """When `if` holds, `then` must hold."""

    type: Literal["requires"]
    when: Expression = Field(alias="if")
    then: Expression


class ExcludesRule(_Rule):
    """When `if` holds, `then` must not hold."""

    type: Literal["excludes"]
    when: Expression = Field(alias="if")
    then: Expression


class TableRule(_Rule):
    """A compatibility table over several options: the allowed (or forbidden) value combinations."""

    type: Literal["table"]
    mode: Literal["allowed", "forbidden"] = "allowed"
    columns: list[Identifier] = Field(min_length=1)
    rows: list[list[Scalar]] | None = None
    rows_file: str | None = Field(None, description="A CSV file of rows, relative to this file.")


class DefaultRule(_Rule):
    """When `if` holds (or always), suggest `value` for `option` while it stays possible."""

    type: Literal["default"]
    when: Expression | None = Field(None, alias="if")
    option: Identifier
    value: Scalar | list[Scalar]


class ConstraintRule(_Rule):
    """A condition that must hold, such as `width * height <= 40000`."""

    type: Literal["constraint"]
    when: Expression | None = Field(None, alias="if")
    expr: Expression


AnyRule = RequiresRule | ExcludesRule | TableRule | DefaultRule | ConstraintRule
Rule = Annotated[AnyRule, Field(discriminator="type")]


class _PriceRule(_Strict):
    id: Identifier
    label: str


class Adjustment(_PriceRule):
    """A conditional surcharge or discount, absolute or percent of the running subtotal."""

    type: Literal["surcharge", "discount"]
    when: Expression | None = Field(None, alias="if")
    amount: Amount | None = None
    percent: Amount | None = None


class Formula(_PriceRule):
    """A price computed from number options, e.g. `width * height / 10000 * 45`."""

    type: Literal["formula"]
    when: Expression | None = Field(None, alias="if")
    expr: Expression


class Tier(_Strict):
    """A quantity band and its per-unit adjustment."""

    min: int = Field(ge=1, le=MAX_UNITS)
    max: int | None = Field(None, ge=1, le=MAX_UNITS)
    amount: Amount | None = Field(None, description="Per-unit adjustment, negative for a discount.")
    percent: Amount | None = Field(None, description="Per-unit adjustment as a percent of the unit price.")


class Tiers(_PriceRule):
    """Quantity tiers: 'range' prices all units at the tier of the quantity, 'slab' band by band."""

    type: Literal["tiers"]
    mode: Literal["range", "slab"] = "range"
    tiers: list[Tier] = Field(min_length=1)
    over: Identifier | None = Field(
        None, description="A component's id: the tiers are over its number of instances (per instance, in the unit "
        "price) instead of the order's quantity.",
    )


AnyPriceRule = Adjustment | Formula | Tiers
PriceRule = Annotated[AnyPriceRule, Field(discriminator="type")]


Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# A language tag as shops use them: a language, and a region where it matters ("de", "fr", "pt-BR").
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
# A country, as ISO 3166-1 writes it and as a language tag's region names it ("CH" in "de-CH").
Region = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Market(_Strict):
    """Where a product is sold: the price list its shoppers pay by (its currency and tax) and the languages they
    are served in."""

    id: Identifier
    label: str = Field(min_length=1, max_length=80, description="The market as shoppers choose it: 'Germany'.")
    price_list: Identifier | None = Field(
        None, description="The price list its prices come from (none: the product's own, in its currency)."
    )
    languages: list[Language] = Field(
        [], description="The languages its shoppers are served in, the usual one first (none: any the product has)."
    )
    regions: list[Region] = Field(
        [], description="The countries it serves (ISO 3166-1: 'CH'): a shopper whose browser names one in its "
        "languages ('de-CH') is in this market until they choose another."
    )


class PriceList(_Strict):
    """A price list: currency, rounding and tax; in another currency it gives its own amounts (no exchange rates)."""

    id: Identifier
    currency: Currency
    precision: int = Field(2, ge=0, le=6, description="Decimal places amounts are rounded to.")
    rounding: Literal["half_up", "half_even", "down", "up"] = "half_up"
    tax_rate: Amount | None = Field(None, description="Tax in percent; prices are net, tax is added on top.")
    tax_included: bool = Field(
        False, description="Amounts include the tax (consumer prices): the total is their sum, and the tax it holds "
        "is worked out of it, never added.",
    )
    base_price: Amount | None = Field(None, description="Required when the currency differs from the product's.")
    amounts: dict[str, Amount] = Field(
        {},
        description="Amounts in this list's currency, keyed 'option.value', 'option' (boolean, text), a price "
        "rule id (surcharge or discount), or 'tiers_id.N' (the N-th tier, from 1).",
    )
    formulas: dict[str, Expression] = Field({}, description="Formula expressions for this currency, by price rule id.")


Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{3,8}$")]
# Font families as CSS lists them: names, quotes and commas only (they go into an SVG attribute).
FontFamily = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9 ,'-]+$")]
Coordinate = Annotated[int, Field(ge=0, le=10_000)]


class _Layer(_Strict):
    when: Expression | None = Field(None, alias="if", description="Drawn only while this condition holds.")


class ShapeLayer(_Layer):
    """A rectangle or circle, filled with a fixed colour or with the swatch of an option's chosen value."""

    type: Literal["rect", "circle"]
    x: Coordinate = 0
    y: Coordinate = 0
    width: Coordinate = 0
    height: Coordinate = 0
    r: Coordinate = Field(0, description="The radius of a circle centred on x, y.")
    fill: Colour = "#dddddd"
    fill_from: Identifier | None = Field(None, description="A choice option whose chosen value's swatch fills it.")


class TextLayer(_Layer):
    """Text, fixed or the value of an option (such as an engraving), centred on x, y."""

    type: Literal["text"]
    x: Coordinate
    y: Coordinate
    size: int = Field(16, ge=4, le=400)
    fill: Colour = "#222222"
    text: str = Field("", max_length=200)
    text_from: Identifier | None = Field(None, description="An option whose value (or value's label) is shown.")
    width: int | None = Field(None, ge=1, le=100_000, description="The text's area: it is wrapped and fitted into it.")
    height: int | None = Field(None, ge=1, le=100_000, description="The area's height: as many lines as fit.")
    font: FontFamily | None = Field(None, description="The font family, as CSS names it (e.g. 'Georgia, serif').")
    font_from: Identifier | None = Field(
        None, description="A single choice whose chosen value picks the font from `fonts` (by value id)."
    )
    fonts: dict[ValueId, FontFamily] = Field(default_factory=dict, description="Font families by value id.")


class ImageLayer(_Layer):
    """The picture of an option's chosen value (its `image`), placed in a box."""

    type: Literal["image"]
    x: Coordinate = 0
    y: Coordinate = 0
    width: Coordinate
    height: Coordinate
    image_from: Identifier


AnyLayer = ShapeLayer | TextLayer | ImageLayer
Layer = Annotated[AnyLayer, Field(discriminator="type")]


class Preview(_Strict):
    """A live picture of the configuration, drawn as SVG from layers, bottom first."""

    width: Coordinate = Field(gt=0)
    height: Coordinate = Field(gt=0)
    layers: list[Layer] = Field(min_length=1, max_length=200)


class Answer(_Strict):
    """One answer to a 'help me choose' question, and what it means for the options."""

    id: Identifier
    label: str
    description: str = ""
    choose: dict[Identifier, Any] = Field({}, description="Choices it makes: option id to value (a list for multi).")
    allow: dict[Identifier, list[Any]] = Field({}, description="Values it allows, per option (one is chosen).")
    prefer: dict[Identifier, Any] = Field({}, description="Values it prefers, taken where the rules let them.")


class Question(_Strict):
    """A question about the shopper's job to be done ("What will you carry?")."""

    id: Identifier
    text: str
    answers: list[Answer] = Field(min_length=2, max_length=20)


class Limits(_Strict):
    """Limits meant for hand-written files, which an imported model may raise explicitly."""

    expression_length: int = Field(
        MAX_EXPRESSION, ge=1, le=MAX_IMPORTED_EXPRESSION, description="The longest expression the file may hold."
    )
    # Read from the file's first lines before the rest of it (catalog/document.py), so they must come early.
    file_mib: int = Field(
        MAX_FILE_BYTES // MIB, ge=1, le=MAX_IMPORTED_FILE_MIB,
        description="The largest the file may be, in MiB; put `limits:` among the file's first lines.",
    )
    nodes: int = Field(
        MAX_NODES, ge=1, le=MAX_IMPORTED_NODES,
        description="How many YAML nodes the file may expand to; put `limits:` among the file's first lines.",
    )


class Part(_Strict):
    """A line of the bill of materials: a part a configuration consumes, in a quantity computed from its options."""

    part: Identifier = Field(description="The part number, as the workshop or the ERP knows it.")
    description: str = ""
    unit: str = Field("pc", min_length=1, max_length=20, description="pc, m, m2, kg ...")
    quantity: Expression = Field(description="How many, as a number expression over the options.")
    when: Expression | None = Field(None, alias="if", description="Used only where this condition holds.")
    kind: Identifier | None = Field(None, description="A kind of part ('panel', 'hinge'), for `always_needs`.")
    cost: Amount | None = Field(None, description="What one unit costs the maker, in the product's currency.")
    assembly: str | None = Field(None, description="The sub-assembly it goes into (a component's parts: its "
                                                    "instance, 'Section 2').")


class Operation(_Strict):
    """A step of the routing: an operation at a work centre, taking minutes computed from the options."""

    id: Identifier
    description: str = ""
    work_centre: Identifier
    minutes: Expression = Field(description="How long it takes, as a number expression over the options.")
    when: Expression | None = Field(None, alias="if", description="Done only where this condition holds.")
    cost_per_hour: Amount | None = Field(None, description="What an hour at the work centre costs the maker.")
    assembly: str | None = Field(None, description="The sub-assembly it makes (a component's: its instance).")


ABSENT = "~"  # the value a single choice of an absent instance takes (a component's own values may not use it)
MAX_INSTANCES = 20  # the most instances a component may have: each one is unrolled into options of its own
InstancePriceRule = Annotated[Adjustment | Formula, Field(discriminator="type")]


class Component(_Strict):
    """A part of the product with options of its own, present in `min` to `max` instances (a wardrobe's sections).

    Its options, rules and price rules hold for each instance; the product's rules speak about the instances with
    `count(sections where ...)`, `sum(sections.width)`, `all(sections, ...)` and `any(sections, ...)`, and the
    component's id alone is how many there are. Instances are positions (left to right, as a workshop builds them).
    """

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    label: str = Field(min_length=1, description="The parts as a whole, and how many there are: 'Sections'.")
    item: str | None = Field(None, description="One instance, numbered in labels: 'Section' gives 'Section 2'.")
    description: str = ""
    min: int = Field(0, ge=0, le=MAX_INSTANCES)
    max: int = Field(ge=1, le=MAX_INSTANCES)
    default: int | None = Field(None, ge=0, le=MAX_INSTANCES, description="How many a configuration starts with.")
    options: list[Option] = Field([], description="Its options (or none here: those of the `product` it reuses).")
    product: str | None = Field(
        None, description="Another product file (relative to this one) reused as this part: its options, rules, "
        "prices, parts and operations, its base price a price of each instance.",
    )
    rules: list[Rule] = Field([], description="Rules of each instance, over its options and the product's.")
    pricing: list[InstancePriceRule] = Field([], description="Price rules applied once per instance.")
    bom: list[Part] = Field([], description="The parts each instance consumes (a sub-assembly of its own).")
    routing: list[Operation] = Field([], description="The operations that make each instance.")


class Product(_Strict):
    """A customizable product: the top level of a catalog file."""

    id: Identifier
    name: str
    description: str = ""
    currency: Currency
    base_price: Amount
    image: ImageRef | None = None
    face: Face | None = Field(None, description="Overrides the face derived from the options' customization.")
    face_reason: str | None = None
    language: Language = Field("en", description="The language this file's words are in.")
    languages: list[Language] = Field(
        [], description="Every language the product is offered in, its own included; each other one from a "
        "companion file beside this one (city-bike.de.yaml). None listed: its own language alone.",
    )
    steps: list[Step] = Field(min_length=1)
    components: list[Component] = Field(
        [], description="Parts made of options of their own, each present in a number of instances."
    )
    rules: list[Rule] = []
    pricing: list[PriceRule] = []
    price_lists: list[PriceList] = Field(
        [], description="Extra price lists; the first one in the product's currency also sets its rounding and tax."
    )
    markets: list[Market] = Field(
        [], description="Where it is sold, each with its price list and languages; the shopper chooses one (the "
        "first serving their language by default). None: one market, the product's own prices.",
    )
    preview: Preview | None = Field(None, description="A live picture of the configuration as the shopper builds it.")
    bom: list[Part] = Field([], description="The bill of materials: the parts a configuration consumes.")
    routing: list[Operation] = Field([], description="The operations that make a configuration, in order.")
    always_needs: list[Identifier] = Field(
        [], description="Kinds of part every configuration uses (`lint` finds configurations without one)."
    )
    limits: Limits = Limits()
    questions: list[Question] = Field(
        [], max_length=20, description="'Help me choose': questions whose answers make choices for the shopper."
    )

    def options(self) -> list[AnyOption]:
        """Every option, in step order."""
        return [option for step in self.steps for option in step.options]
