"""The checks of a product's components (issue 24), made by the product's checker (catalog/checker.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from catalog.document import Loc
from catalog.errors import shown, suggest
from catalog.kinds import cell_matches, traits
from catalog.schema import (
    ABSENT,
    AnyOption,
    Component,
    DefaultRule,
    Formula,
    Operation,
    Part,
    QuantityOption,
    SingleOption,
    TableRule,
)
from catalog.typecheck import Checker


class ProductChecks(Protocol):
    """What the product's checker lends a component's: its options, its error list and its checks."""

    @property
    def options(self) -> Mapping[str, AnyOption]: ...

    def fail(self, loc: Loc, message: str, *, key: bool = False) -> None: ...

    def check_ids(self, items: Iterable[tuple[Loc, str]], what: str) -> None: ...

    def check_option(self, loc: Loc, option: AnyOption) -> None: ...

    def expression(
        self, loc: Loc, text: str | None, *, formula: bool = False, types: Checker | None = None
    ) -> None: ...

    def check_making(
        self, bom_at: Loc, bom: Sequence[Part], routing_at: Loc, routing: Sequence[Operation], types: Checker
    ) -> None: ...

    def check_rows(
        self, locs: Sequence[Loc], rows: Sequence[Sequence[Any]], columns: Sequence[AnyOption | None]
    ) -> None: ...


class ComponentChecks:
    """The checks of one component: its options as the product's are checked, its rules and price rules against its
    options and the product's (never another component's aggregates), its tables over its own options only."""

    def __init__(self, product: ProductChecks, loc: Loc, component: Component) -> None:
        self.product = product
        self.loc = loc
        self.component = component
        self.own = {option.id: option for option in component.options}
        self.types = Checker({**product.options, **self.own}, {})

    def run(self) -> None:
        """Check the component; errors go to the product's checker."""
        at = self.product
        located = [((*self.loc, "options", o), option) for o, option in enumerate(self.component.options)]
        at.check_ids([((*loc, "id"), option.id) for loc, option in located], "option")
        for loc, option in located:
            if option.id in at.options:
                at.fail((*loc, "id"), f"'{option.id}' is the id of a product option or component: name it apart "
                        "(a rule must know whose it is)")
            if isinstance(option, QuantityOption):
                at.fail((*loc, "type"), "a component has no quantity option: the order's quantity is the product's")
            for v, value in enumerate(option.values if isinstance(option, SingleOption) else ()):
                if value.id == ABSENT:
                    at.fail((*loc, "values", v, "id"), f"'{ABSENT}' is the value of an instance that is not there: "
                            "use another id")
            at.check_option(loc, option)
        rules = self.component.rules
        at.check_ids([((*self.loc, "rules", r, "id"), rule.id) for r, rule in enumerate(rules)], "rule")
        for r, rule in enumerate(rules):
            self.check_rule((*self.loc, "rules", r), rule)
        pricing = self.component.pricing
        at.check_ids([((*self.loc, "pricing", p, "id"), price.id) for p, price in enumerate(pricing)], "price rule")
        for p, price in enumerate(pricing):
            at.expression((*self.loc, "pricing", p, "if"), price.when, types=self.types)
            if isinstance(price, Formula):
                at.expression((*self.loc, "pricing", p, "expr"), price.expr, formula=True, types=self.types)
            elif (price.amount is None) == (price.percent is None):
                said = f"{price.type} '{price.id}' needs exactly one of 'amount' or 'percent'"
                at.fail((*self.loc, "pricing", p), said)
        at.check_making((*self.loc, "bom"), self.component.bom, (*self.loc, "routing"), self.component.routing,
                        self.types)

    def check_rule(self, loc: Loc, rule: Any) -> None:
        at = self.product
        for key in ("if", "then", "expr"):
            text = getattr(rule, {"if": "when"}.get(key, key), None)
            if isinstance(text, str):
                at.expression((*loc, key), text, types=self.types)
        if isinstance(rule, DefaultRule) and rule.option not in self.own:
            at.fail((*loc, "option"), f"'{rule.option}' is not an option of '{self.component.id}'"
                    f"{suggest(rule.option, list(self.own))}")
        elif isinstance(rule, DefaultRule):
            values = rule.value if isinstance(rule.value, list) else [rule.value]
            if not all(cell_matches(self.own[rule.option], v) for v in values):
                at.fail((*loc, "value"), f"{shown(rule.value)} is not a value of '{rule.option}'")
        if isinstance(rule, TableRule):
            self.check_table(loc, rule)

    def check_table(self, loc: Loc, rule: TableRule) -> None:
        at = self.product
        columns: list[AnyOption | None] = []
        for i, column in enumerate(rule.columns):
            option = self.own.get(column)
            if option is None:
                at.fail((*loc, "columns", i), f"'{column}' is not an option of '{self.component.id}': a component's "
                        f"table is over its own options{suggest(column, list(self.own))}")
            elif not traits(option).in_tables:
                at.fail((*loc, "columns", i), f"'{column}' is a {option.type} option; tables take single, boolean or "
                        "number options")
                option = None
            columns.append(option)
        if rule.rows is None:
            at.fail(loc, f"table '{rule.id}' of a component needs its rows inline ('rows')")
            return
        at.check_rows([(*loc, "rows", r) for r in range(len(rule.rows))], rule.rows, columns)
