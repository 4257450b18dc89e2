"""Lint: what the engine can say is wrong or odd about a product before any shopper meets it.

A product with no valid configuration (and the minimal set of rules that conflict), values no configuration can
take (dead), options that can take one value only (forced), defaults that cannot hold, rules implied by the
others, steps with nothing left to choose, and price anomalies (a negative total, a completion cheaper than the
base price, gaps and overlaps between tiers). Dead and forced values come from one least-changes pass with no
choices: no solver call per value.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from catalog import expressions as ast
from catalog.display import show_value
from catalog.expressions import Arith, Expr, ExpressionError, children, parse_expression, unparse
from catalog.kinds import default_value, listed_values, traits
from catalog.schema import (
    ConstraintRule,
    ExcludesRule,
    Operation,
    Part,
    Product,
    RequiresRule,
    Tiers,
)
from catalog.translations import Translation, coverage, language_name
from rules.backend import quick_count
from rules.compile import Table, compile_product
from rules.domains import OptionDomain
from rules.engine import Engine
from rules.errors import EngineLimitError, RuleError
from rules.pricing import from_price
from rules.tables import Tabulator

Kind = Literal[
    "void_product", "dead_value", "forced_value", "default_conflict", "redundant_rule", "idle_rule",
    "unreachable_step", "price_anomaly", "translation_coverage", "unused_part", "missing_part_kind",
    "negative_quantity", "blocks_demand",
]
# Rules implied by the others are found by counting without each rule: a join tree apiece, so only this many.
MAX_RULES_FOR_REDUNDANCY = 40


@dataclass(frozen=True)
class Finding:
    """One lint finding; `error` findings make `configurator lint` fail."""

    kind: Kind
    error: bool
    message: str
    option: str | None = None
    value: Any = None
    rule: str | None = None
    step: str | None = None


def lint(engine: Engine) -> list[Finding]:
    """Every finding for one compiled product."""
    state = engine.validate({})
    if not state.consistent:
        return [
            Finding("void_product", True, f"no configuration is valid: {v.message}", rule=v.rule_id)
            for v in state.violations
        ]
    domains = state.domains  # with no choices: what every check below reads
    findings = _values(engine, domains) + _defaults(engine, domains) + _steps(engine, domains) + _prices(engine)
    return findings + _redundant(engine) + _idle(engine) + _making(engine)


def _making(engine: Engine) -> list[Finding]:
    """The bill of materials against every valid configuration: parts none uses, kinds of part some configuration
    the product says always needs goes without, quantities and times that can fall below zero."""
    product = engine.model.product
    findings = []
    lines: list[tuple[Part | Operation, str]] = [*((p, p.quantity) for p in product.bom),
                                                 *((o, o.minutes) for o in product.routing)]
    for line, quantity in lines:
        named = line.part if isinstance(line, Part) else f"operation {line.id}"
        where = f" in {line.assembly}" if line.assembly else ""
        if isinstance(line, Part) and _possible(engine, line.when, quantity, ">") is False:
            findings.append(Finding("unused_part", False, f"part {named}{where} is used by no valid configuration"))
        if not _never_negative(engine, quantity) and _possible(engine, line.when, quantity, "<") is True:
            what = "quantity" if isinstance(line, Part) else "time"
            findings.append(Finding("negative_quantity", True,
                                    f"{named}{where}: its {what} ({quantity}) is below zero in a valid configuration"))
    for kind in product.always_needs:
        unused = [f"not (({p.when or 'true'}) and ({_signed(p.quantity) or '1'}) > 0)"
                  for p in product.bom if p.kind == kind]
        if unused and _holds_somewhere(engine, *unused) is True:
            findings.append(Finding("missing_part_kind", True,
                                    f"a valid configuration uses no part of kind {kind}, which every one needs"))
    return findings


def _possible(engine: Engine, when: str | None, quantity: str, sign: str) -> bool | None:
    """Whether some valid configuration has the line's condition and its amount `sign` 0 (None: cannot say)."""
    signed = _signed(quantity)
    return None if signed is None else _holds_somewhere(engine, f"({when or 'true'}) and ({signed}) {sign} 0")


def _signed(quantity: str) -> str | None:
    """An expression with the sign of `quantity` and no division (the engine's tables have none): the whole
    divided by a positive constant is the whole; None where a division is left (the sign cannot be said)."""
    expr = parse_expression(quantity)
    while isinstance(expr, Arith) and expr.op == "/" and _positive(expr.right):
        expr = expr.left
    return None if _divides(expr) else unparse(expr)


def _positive(expr: Expr) -> bool:
    return isinstance(expr, ast.Literal) and not isinstance(expr.value, (bool, str)) and expr.value > 0


def _divides(expr: Expr) -> bool:
    return (isinstance(expr, Arith) and expr.op == "/") or any(_divides(part) for part in children(expr))


def _holds_somewhere(engine: Engine, *conditions: str) -> bool | None:
    """Whether some valid configuration meets every condition (None: too large to tell by the join tree)."""
    model = engine.model
    tabulator = Tabulator(model.refs.__getitem__, model.domain_size)
    probes = []
    try:
        for condition in conditions:
            scope, rows = tabulator.allowed("lint:probe", [parse_expression(condition)], lambda e: e)
            probes.append(Table("lint:probe", tuple(scope), rows.astype(np.int32)))
    except (ExpressionError, RuleError, KeyError):
        return None
    counted = quick_count(dataclasses.replace(model, tables=(*model.tables, *probes))) if not model.formulas else None
    return None if counted is None else counted > 0


def _never_negative(engine: Engine, quantity: str) -> bool:
    """Whether an amount is a sum and product of non-negative constants and options: no check needed."""
    def plain(expr: Expr) -> bool:
        match expr:
            case ast.Name():
                option = engine.model.options.get(expr.name)
                return option is not None and option.type in ("number", "quantity") and option.min >= 0
            case ast.Literal():
                return not isinstance(expr.value, str) and expr.value >= 0
            case ast.Call():
                return True  # a count
            case Arith():
                return expr.op in ("+", "*", "/") and plain(expr.left) and plain(expr.right)
            case _:
                return False

    return plain(parse_expression(quantity))


def _values(engine: Engine, domains: Mapping[str, OptionDomain]) -> list[Finding]:
    """Dead values (no valid configuration takes them) and forced options (only one value possible)."""
    findings = []
    for option in engine.model.options.values():
        kind = traits(option)
        # Numbers and texts are ranges, not values a shopper picks one by one.
        offered: list[Any] = [True, False] if kind.expression == "bool" else [v.id for v in listed_values(option)]
        if not offered:
            continue
        possible = set(domains[option.id].values) if engine.model.option_vars[option.id] else set(offered)
        for value in offered:
            if value not in possible:
                why = engine.advisor.explain({}, option.id, value)
                rule = why.rules[0] if why.rules else None
                said = " ".join(why.messages) or "no valid configuration has it"
                findings.append(Finding("dead_value", False, f"{option.id} can never be {show_value(value)}: {said}",
                                        option.id, value, rule))
        if len(possible) == 1 and len(offered) > 1 and not kind.many:
            only = next(iter(possible))
            findings.append(Finding("forced_value", False, f"{option.id} can only be {show_value(only)}",
                                    option.id, only))
    return findings


def _defaults(engine: Engine, domains: Mapping[str, OptionDomain]) -> list[Finding]:
    """Defaults no valid configuration has."""
    findings = []
    for option in engine.model.options.values():
        default = default_value(option)
        if default is None or traits(option).many or not engine.model.option_vars[option.id]:
            continue
        if default not in domains[option.id].values:
            findings.append(Finding("default_conflict", False,
                                    f"the default of {option.id}, {show_value(default)}, is never possible",
                                    option.id, default))
    return findings


def _steps(engine: Engine, domains: Mapping[str, OptionDomain]) -> list[Finding]:
    """Steps where every option is decided by the rules: nothing left for the shopper."""
    findings = []
    for step in engine.model.product.steps:
        choosable = [o for o in step.options if len(domains[o.id].values) != 1 or not engine.model.option_vars[o.id]]
        if step.options and not choosable:
            findings.append(Finding("unreachable_step", False,
                                    f"step {step.id}: the rules decide every option, nothing is left to choose",
                                    step=step.id))
    return findings


def _prices(engine: Engine) -> list[Finding]:
    """A negative cheapest total, a completion cheaper than the base price, gaps and overlaps between tiers."""
    product = engine.model.product
    findings = []
    priced = from_price(engine, {})
    if priced.price is not None:
        if priced.price.total < 0:
            findings.append(Finding("price_anomaly", True, f"the cheapest configuration costs {priced.price.total}"))
        elif priced.price.unit_price < product.base_price:
            findings.append(Finding("price_anomaly", False, f"the cheapest configuration ({priced.price.unit_price}) "
                                                            f"costs less than the base price ({product.base_price})"))
    for rule in product.pricing:
        if isinstance(rule, Tiers):
            findings.extend(_tier_findings(rule))
    return findings


def _tier_findings(rule: Tiers) -> list[Finding]:
    findings = []
    bands = sorted(rule.tiers, key=lambda t: t.min)
    for before, after in itertools.pairwise(bands):
        end = before.max
        if end is None or end >= after.min:
            findings.append(Finding("price_anomaly", True, f"tiers of {rule.id} overlap at {after.min} units",
                                    rule=rule.id))
        elif end + 1 < after.min:
            gap = f"{end + 1}" if end + 1 == after.min - 1 else f"{end + 1} to {after.min - 1}"
            findings.append(Finding("price_anomaly", True, f"tiers of {rule.id} leave {gap} units without a tier",
                                    rule=rule.id))
    return findings


def _redundant(engine: Engine) -> list[Finding]:
    """Rules implied by the others: without one, exactly the same configurations are valid."""
    model = engine.model
    declared = {rule.id for rule in model.product.rules}  # not the tables the compiler adds (a multi's count)
    rules = [r for r in dict.fromkeys(t.rule_id for t in model.tables) if r in declared]
    if model.formulas or len(rules) > MAX_RULES_FOR_REDUNDANCY or not rules:
        return []
    try:
        total = engine.count({})
        findings = []
        for rule in rules:
            kept = tuple(t for t in model.tables if t.rule_id != rule or t.link)  # partial sums stay defined
            others = dataclasses.replace(model, tables=kept)
            if quick_count(others) == total:
                findings.append(Finding("redundant_rule", False,
                                        f"rule {rule} rules nothing out that the others allow", rule=rule))
        return findings
    except EngineLimitError:
        return []


def _idle(engine: Engine) -> list[Finding]:
    """Rules whose condition (`if`) holds in no valid configuration: they never apply."""
    product = engine.model.product
    conditional = [r for r in product.rules if isinstance(r, RequiresRule | ExcludesRule | ConstraintRule) and r.when]
    if engine.model.formulas or len(product.rules) > MAX_RULES_FOR_REDUNDANCY:
        return []
    findings = []
    for rule in conditional:
        probe = {"id": "lint:condition", "type": "constraint", "message": "condition", "expr": rule.when}
        data = product.model_dump(by_alias=True, mode="json")
        data["rules"] = [*data["rules"], probe]
        try:
            holds = quick_count(compile_product(Product.model_validate(data)))
        except RuleError:
            continue
        if holds == 0:
            findings.append(Finding("idle_rule", False, f"rule {rule.id} never applies: its condition "
                                                        f"({rule.when}) holds in no valid configuration",
                                    rule=rule.id))
    return findings


# A rule is flagged for the demand it blocks once it has stopped shoppers this often, none of whom ordered.
BLOCKING_ATTEMPTS = 10


def demand_findings(product: Product, blocking: Mapping[str, tuple[int, int]]) -> list[Finding]:
    """Rules that block much demand and never an order: per rule id, (values reached for that it ruled out,
    sessions it stopped that went on to a complete configuration, a save or a quote), from the shop's signals."""
    found = []
    for rule in product.rules:
        attempts, went_on = blocking.get(rule.id, (0, 0))
        if attempts >= BLOCKING_ATTEMPTS and went_on == 0:
            message = (f"rule {rule.id} ruled out {attempts} values shoppers reached for, and not one of those "
                       "shoppers went on to complete, save or quote: is it stricter than the product needs?")
            found.append(Finding("blocks_demand", False, message, rule=rule.id))
    return found


def coverage_findings(product: Product, translations: Mapping[str, Translation]) -> list[Finding]:
    """Each language's coverage of the product's words (a warning where a word is missing, a note otherwise)."""
    found = []
    for language, translation in sorted(translations.items()):
        given, wanted = coverage(product, translation)
        share = f"{given * 100 // wanted if wanted else 100} %"
        message = f"{language_name(language)} ({language}): {given} of {wanted} words translated ({share})"
        found.append(Finding("translation_coverage", False, message))
    return found

