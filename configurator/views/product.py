"""View models of the shop's pages: plain frozen data built from the engine's answers, never from ORM rows."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, assert_never

from catalog.display import YES_NO
from catalog.instances import component_of, shown_options
from catalog.kinds import (
    Choices,
    NumberField,
    TextField,
    YesNo,
    listed_values,
    needs_value,
    traits,
    value_label,
    widget,
)
from catalog.schema import AnyOption, Component
from catalog.wording import _
from configurator.views.form import (
    NONE,
    answer_fields,
    blank_quantities,
    encode_history,
    fields_of,
    shop_query,
)
from configurator.views.money import field_number, range_words
from configurator.views.parts import PartsView, parts_of
from configurator.views.preview import COLOUR, PreviewView, preview_of
from configurator.views.price import PriceView, price_view, value_deltas
from configurator.views.reasons import REASON_BUDGET_SECONDS, UNEXPLAINED, Reasons
from rules.dialog import answers_of
from rules.domains import OptionDomain, missing
from rules.engine import Engine
from rules.recommendation import History, Recommendation, recommendations
from rules.selection import Selection, plain

Input = Literal["radio", "checkbox", "yesno", "number", "text"]



@dataclass(frozen=True)
class ValueView:
    """One value of an option as the shopper sees it."""

    id: str
    label: str
    description: str
    delta: str  # "+€20.00", or "" when it costs nothing extra
    swatch: str | None
    selected: bool
    available: bool
    reason: str  # why it is unavailable, in the rules' own words
    why: bool = False  # the reason names only the choices to change: the full explanation is a click away
    nothing: bool = False  # a multi choice's "None of these": ticking it clears the other boxes; it has no repair


@dataclass(frozen=True)
class OptionView:
    """One option: its input, its values or bounds, what is chosen, and any problem with it."""

    id: str
    label: str
    description: str
    input: Input
    values: tuple[ValueView, ...]
    value: str  # the current value of a number or text input
    required: bool
    low: str = ""
    high: str = ""
    step: str = ""
    unit: str = ""
    max_length: int | None = None
    pattern: str | None = None
    error: str = ""
    later: bool = False  # adjusted in use: the customer can change it after purchase (it does not make the variant)
    inferred: bool = False  # its value was chosen for the shopper from their profile
    recommended: str = ""  # which value customers who chose alike picked most, and how many, for an open option
    take: str = ""  # the form action that takes the recommended value
    unusable: str = ""  # a value the shopper's profile gives that the option does not have
    hint: str = ""  # what a number or text input takes, in words
    decided: str = ""  # its value in words, where the option needs one and has it (a large product folds it)
    whole: bool = False  # a number field that takes whole numbers only (a numeric keyboard, no decimal sign)
    digest: str = ""  # of everything its markup is made from: a page that shows it needs no new copy
    short: str = ""  # its label on a component instance's card (the card names the instance)


@dataclass(frozen=True)
class StepView:
    """A group of options, shown as a fieldset (a component's: one card per instance, `parts` says how)."""

    id: str
    label: str
    description: str
    options: tuple[OptionView, ...]
    parts: PartsView | None = None

    def option(self, option_id: str) -> OptionView | None:
        """One of its options' views, by id."""
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def drawn(self) -> tuple[OptionView, ...]:
        """The options the page draws, in its order (a component's: those of the instances there are)."""
        if self.parts is None:
            return self.options
        found = (self.option(option_id) for card in self.parts.instances for option_id in card.options)
        return tuple(option for option in found if option is not None)


@dataclass(frozen=True)
class RepairView:
    """A value chosen anyway, and the earlier choices that must go for it."""

    option: str
    option_label: str
    value: str
    value_label: str
    drop: tuple[str, ...]  # the earlier choices to drop, as phrases ("Belt drive", "Gears 8-speed hub")
    apply_query: str


@dataclass(frozen=True)
class ProductView:
    """Everything the product page shows."""

    id: str
    name: str
    description: str
    steps: tuple[StepView, ...]
    price: PriceView | None
    complete: bool
    left: tuple[str, ...]  # labels of required options still open
    done: int
    total: int
    permalink: str
    state: str  # the query string of the selection shown, without its history
    history: str
    can_undo: bool
    messages: tuple[str, ...]
    repair: RepairView | None
    csrf: str
    preview: PreviewView | None = None
    settings: str = ""  # a saved configuration's settings card, where it has settings adjusted in use
    help: str = ""  # the "help me choose" dialog, where the product asks questions
    answers: tuple[tuple[str, str], ...] = ()  # the dialog's answers given: (question, answer label)
    answer_fields: tuple[tuple[str, str], ...] = ()  # the same, as the form fields that carry them
    large: bool = False  # so many options that decided ones fold away and the shopper may filter them
    session: str = ""  # the random id of this configuring session, for the shop's signals (issue 25)
    @property
    def shown(self) -> str:
        """A digest of each option's view, in the product's order: the page sends it back, and the next change
        sends only the options whose digest differs."""
        return ",".join(option.digest for step in self.steps for option in step.drawn)

    def changed(self, shown: str) -> frozenset[str]:
        """The options whose view differs from what a page showing `shown` has."""
        before = shown.split(",")
        options = [option for step in self.steps for option in step.drawn]
        return frozenset(o.id for i, o in enumerate(options) if i >= len(before) or before[i] != o.digest)


def product_view(
    engine: Engine,
    selection: Selection,
    history: list[str],
    csrf: str,
    repair: RepairView | None = None,
    messages: tuple[str, ...] = (),
    focus: tuple[str, str] | None = None,
    hints: Hints | None = None,
    answers: Mapping[str, str] | None = None,
    price_list: str | None = None,
) -> ProductView:
    """The product page for a selection; `focus` (option, value id) is a value whose full explanation was asked
    for, whatever it takes; `hints` what the shopper's profile and the order history suggest; `price_list` the
    shopper's market's (None: the product's own prices)."""
    product = engine.model.product
    given = {q: a.id for q, a in answers_of(product, answers or {}).items()}
    parsed = engine.parse(selection)  # once: every operation below takes it as it is
    selection = parsed.given
    state, obstacles = engine.outlook(parsed)
    errors = {v.option: _said(engine, v.option, selection.get(v.option), v.message)
              for v in state.violations if v.option and v.rule_id is None}
    kept = engine.parse({k: v for k, v in selection.items() if k not in errors}) if errors else parsed
    if errors:
        obstacles = engine.obstacles(kept)
    domains = obstacles.alternatives
    deltas = value_deltas(engine, price_list)
    reasons = Reasons(engine, kept, obstacles, REASON_BUDGET_SECONDS, focus)
    recommended = {} if hints is None or hints.history is None else recommendations(
        engine.model, parsed, state, hints.history, hints.least)
    still_open = missing(engine.model, state.values)
    shut = {o.id for o in still_open} | set(errors)
    shown = shown_options(product, selection)
    steps = tuple(
        StepView(
            step.id,
            step.label,
            step.description,
            tuple(_folded(o, _marked(o, _option(reasons, o, kept.given, domains, deltas, errors.get(o.id, ""),
                                                selection), hints, recommended), state.values, shut)
                  for o in step.options if o.id in shown),
        )
        for step in product.steps
    )
    steps = tuple(_with_parts(engine, step, component, selection, domains)
                  if (component := component_of(product, step.id)) is not None else step for step in steps)
    blank = blank_quantities(product, selection)  # in the shop, a quantity counts as a choice
    needed = sum(1 for option in product.options() if asked_for(option) and option.id in shown)
    large = sum(1 for _ in product.options()) > LARGE_PRODUCT_OPTIONS
    left = tuple(option.label or option.id for option in still_open) + tuple(
        o.label or o.id for o in product.options() if o.id in blank)
    complete = state.complete and state.consistent and not blank
    rule_messages = tuple(v.message for v in state.violations if v.rule_id is not None)
    return ProductView(
        id=product.id,
        name=product.name,
        description=product.description,
        steps=_digested(steps, repair, large, engine.model.content_hash),
        price=price_view(engine, kept, state.complete and state.consistent, price_list),
        complete=complete,
        left=left,
        done=needed - len(left),
        total=needed,
        permalink=f"/products/{product.id}?{shop_query(product, selection, history, given)}",
        state=shop_query(product, selection),
        history=encode_history(history) if history else "",
        can_undo=bool(history),
        messages=messages + rule_messages,
        repair=repair,
        csrf=csrf,
        preview=preview_of(product, state.values),
        help=f"/products/{product.id}/help?{shop_query(product, selection, None, given)}" if product.questions else "",
        answers=tuple((q.text, a.label) for q in product.questions for a in q.answers if given.get(q.id) == a.id),
        answer_fields=tuple(answer_fields(given)),
        large=large,
    )


def _with_parts(engine: Engine, step: StepView, component: Component, selection: Mapping[str, Any],
                domains: Mapping[str, OptionDomain]) -> StepView:
    """A component's step: a card per instance, its options labelled as the component names them (the card's
    heading names the instance)."""
    own = {option.id: option.label or option.id for option in component.options}
    options = tuple(
        dataclasses.replace(view, short=own[view.id.rpartition("].")[2]]) if view.id != component.id else view
        for view in step.options
    )
    parts = parts_of(engine, component, selection, domains)
    number = step.option(component.id)  # its field is hidden: a number the link gave that it refuses is said here
    if number is not None and number.error:
        parts = dataclasses.replace(parts, error=number.error)
    return dataclasses.replace(step, options=options, parts=parts)


def _option(
    reasons: Reasons,
    option: AnyOption,
    kept: Mapping[str, Any],
    domains: Mapping[str, OptionDomain],
    deltas: Mapping[tuple[str, str | bool], str],
    error: str,
    raw: Mapping[str, Any],
) -> OptionView:
    domain = domains.get(option.id)
    possible = set(domain.values) if domain is not None else set()
    chosen = kept.get(option.id)
    label = option.label or option.id
    required = asked_for(option)
    shown = widget(option)
    match shown:
        case Choices():
            picked = set(chosen) if isinstance(chosen, list) else {chosen}
            values = tuple(
                _value_view(reasons, option, v.id, v.label or v.id, v.description, v.swatch,
                            deltas.get((option.id, v.id), ""), v.id in picked, v.id in possible)
                for v in shown.values
            )
            if shown.none_allowed:
                values += (_none_view(reasons.engine, kept, option.id, chosen == []),)
            kind: Input = "checkbox" if shown.many else "radio"
            return OptionView(option.id, label, option.description, kind, values, "", required, error=error)
        case YesNo():
            picked_bool = {True: "true", False: "false"}.get(chosen) if isinstance(chosen, bool) else chosen
            values = tuple(
                _value_view(reasons, option, text, _(said), "", None,
                            deltas.get((option.id, True), "") if value else "", picked_bool == text,
                            value in possible)
                for value, text, said in YES_NO
            )
            return OptionView(option.id, label, option.description, "yesno", values, "", required, error=error)
        case NumberField():
            low = min(possible) if possible else shown.low
            high = max(possible) if possible else shown.high
            given = raw.get(option.id)
            value = "" if given is None else field_number(plain(given))
            low_text, high_text, step_text = str(plain(low)), str(plain(high)), str(plain(shown.step))
            lowest, step = Decimal(low_text), Decimal(step_text)
            return OptionView(
                option.id, label, option.description, "number", (), value, required,
                low=low_text, high=high_text, step=step_text, unit=shown.unit, error=error,
                hint=range_words(lowest, Decimal(high_text), step, shown.unit),
                whole=lowest == lowest.to_integral_value() and step == step.to_integral_value(),
            )
        case TextField():
            value = str(raw.get(option.id, ""))
            return OptionView(
                option.id, label, option.description, "text", (), value, required,
                max_length=shown.max_length, pattern=shown.pattern, error=error,
                hint=_text_words(shown.max_length, shown.allowed),
            )
        case _:
            assert_never(shown)


@dataclass(frozen=True)
class Hints:
    """What the page suggests: options whose value the profile chose, values recommended from order history."""

    inferred: frozenset[str] = frozenset()
    history: History | None = None  # the product version's order history, recommendations are drawn from
    unusable: Mapping[str, str] = dataclasses.field(default_factory=dict)  # option -> a profile value it lacks
    least: int = 1  # how many alike customers a suggestion needs


def _marked(
    option: AnyOption, view: OptionView, hints: Hints | None, recommended: Mapping[str, Recommendation]
) -> OptionView:
    """The option's view, marked when the customer adjusts it in use, its value came from the profile, or a
    value is recommended for it."""
    later = option.customization.timing == "use"
    inferred = hints is not None and option.id in hints.inferred
    unused = "" if hints is None else hints.unusable.get(option.id, "")
    wanted = recommended.get(option.id)
    shown = "" if wanted is None else _("%(count)s of %(among)s customers who chose as you did picked %(value)s") % {
        "count": wanted.count, "among": wanted.among, "value": value_label(option, wanted.value)}
    apply = "" if wanted is None else f"apply:{option.id}={fields_of({option.id: wanted.value})[0][1]}"
    if not (later or inferred or shown or unused):
        return view
    return dataclasses.replace(view, later=later, inferred=inferred, recommended=shown, unusable=unused,
                               take=apply)


def _digested(steps: tuple[StepView, ...], repair: RepairView | None, large: bool, model: str) -> tuple[StepView, ...]:
    """The steps with each option's digest: of everything its markup is made from (its view, the repair it shows,
    the page's folding, the catalog version)."""
    def digested(option: OptionView) -> OptionView:
        mine = repair if repair is not None and repair.option == option.id else None
        made = repr((option, mine, large, model)).encode()
        return dataclasses.replace(option, digest=hashlib.blake2b(made, digest_size=6).hexdigest())

    return tuple(dataclasses.replace(step, options=tuple(map(digested, step.options))) for step in steps)


def _text_words(max_length: int, allowed: str | None) -> str:
    """What a text input takes, in words: its length, and the characters its pattern allows."""
    said = {"count": max_length, "allowed": allowed}
    return (_("At most %(count)s characters: %(allowed)s") if allowed else _("At most %(count)s characters")) % said


def asked_for(option: AnyOption) -> bool:
    """Whether the shop asks the shopper for a value: what a complete configuration needs, and the order's
    quantity (the engine prices one unit without it; a quote needs it)."""
    return needs_value(option) or traits(option).order_quantity


def _folded(option: AnyOption, view: OptionView, values: Mapping[str, Any], shut: set[str]) -> OptionView:
    """The view marked decided (with its value in words) where the option needs a value and has one: a large
    product folds it away."""
    if not asked_for(option) or option.id in shut or option.id not in values:
        return view
    return dataclasses.replace(view, decided=value_label(option, values[option.id]))


def _none_view(engine: Engine, kept: Mapping[str, Any], option_id: str, selected: bool) -> ValueView:
    """A multi choice's "None of these": a choice like its values (a shopper may want none), offered where no
    value at all still extends to a valid configuration."""
    possible = selected or engine.consistent({**kept, option_id: []})
    return ValueView(NONE, _("None of these"), "", "", None, selected, possible, "" if possible else _(UNEXPLAINED),
                     nothing=True)


def _value_view(
    reasons: Reasons,
    option: AnyOption,
    value_id: str,
    label: str,
    description: str,
    swatch: str | None,
    delta: str,
    selected: bool,
    available: bool,
) -> ValueView:
    reason, full = ("", True) if available or selected else reasons.of(option, value_id)
    colour = swatch if swatch is not None and COLOUR.fullmatch(swatch) else None
    return ValueView(value_id, label, description, delta, colour, selected, available or selected, reason, not full)


# Rule messages for a value's reason come from table look-ups, then from the solver (remembered per question). A
# page spends at most this on solver explanations, starting only those expected to fit; any other reason says
# which choices would have to change, with a "Why?" button that asks for the full explanation (`focus`).
# Beyond this many options a page folds decided options away and offers to filter them (the bundled products
# have 6 to 12; the Megane has 99).
LARGE_PRODUCT_OPTIONS = 24


def _said(engine: Engine, option_id: str, raw: Any, message: str) -> str:
    """A value the shopper's link or form gave that the option does not take, in the shopper's words: a value id
    the catalog no longer has is said to be no longer offered (a shared link outlives a catalog edit)."""
    option = engine.model.options.get(option_id)
    listed = {value.id for value in listed_values(option)} if option is not None else set()
    given = raw if isinstance(raw, list) else [raw]
    gone = [str(v) for v in given if isinstance(v, str) and v not in listed]
    if option is None or not listed or not gone:
        return message
    return _("%(option)s “%(value)s” is no longer offered; please choose again.") % {
        "option": option.label or option.id, "value": gone[0]}


