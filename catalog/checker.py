"""Checks a validated product beyond its shape: ids, domains, references, expressions and tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, assert_never

from catalog.component_checks import ComponentChecks
from catalog.components import component_keys, count_option
from catalog.document import Document, Loc
from catalog.errors import CatalogError, shown, suggest
from catalog.expressions import ExpressionError, parse_expression
from catalog.kinds import cell_matches, guess_value, listed_values, problems, traits
from catalog.pricelist import amount_keys, formula_keys
from catalog.schema import (
    Adjustment,
    AnyLayer,
    AnyOption,
    ConstraintRule,
    DefaultRule,
    ExcludesRule,
    Formula,
    ImageLayer,
    Market,
    Operation,
    Part,
    PriceList,
    Product,
    Question,
    RequiresRule,
    ShapeLayer,
    TableRule,
    TextLayer,
    Tiers,
)
from catalog.typecheck import Checker


class ProductChecker:
    """Collects every semantic error of one product, with positions from its document."""

    def __init__(self, product: Product, doc: Document) -> None:
        self.product = product
        self.doc = doc
        self.errors: list[CatalogError] = []
        self.options: dict[str, AnyOption] = {}
        self.components = {component.id: component for component in product.components}
        self.types = Checker(self.options, self.components)

    def fail(self, loc: Loc, message: str, *, key: bool = False) -> None:
        self.errors.append(self.doc.error(loc, message, key=key))

    def run(self) -> list[CatalogError]:
        """Check everything; return the errors found."""
        self.check_ids([(("steps", i, "id"), step.id) for i, step in enumerate(self.product.steps)], "step")
        located = [
            (("steps", s, "options", o), option)
            for s, step in enumerate(self.product.steps)
            for o, option in enumerate(step.options)
        ]
        self.check_ids([((*loc, "id"), option.id) for loc, option in located], "option")
        for _, option in located:
            self.options.setdefault(option.id, option)
        for loc, option in located:
            self.check_option(loc, option)
        self.check_components()
        self.check_ids([(("rules", i, "id"), rule.id) for i, rule in enumerate(self.product.rules)], "rule")
        for i, rule in enumerate(self.product.rules):
            self.check_rule(("rules", i), rule)
        pricing = self.product.pricing
        self.check_ids([(("pricing", i, "id"), price.id) for i, price in enumerate(pricing)], "price rule")
        for i, price in enumerate(pricing):
            self.check_price(("pricing", i), price)
        lists = self.product.price_lists
        self.check_ids([(("price_lists", i, "id"), p.id) for i, p in enumerate(lists)], "price list")
        for i, price_list in enumerate(lists):
            self.check_price_list(("price_lists", i), price_list)
        markets = self.product.markets
        self.check_ids([(("markets", i, "id"), m.id) for i, m in enumerate(markets)], "market")
        for i, market in enumerate(markets):
            self.check_market(("markets", i), market)
        self.check_regions(markets)
        if self.product.preview is not None:
            for i, layer in enumerate(self.product.preview.layers):
                self.check_layer(("preview", "layers", i), layer)
        self.check_making(("bom",), self.product.bom, ("routing",), self.product.routing, self.types)
        kinds = {part.kind for part in self.product.bom} | {p.kind for c in self.product.components for p in c.bom}
        for i, kind in enumerate(self.product.always_needs):
            if kind not in kinds:
                self.fail(("always_needs", i), f"no part of the bill of materials is of kind '{kind}'"
                          f"{suggest(kind, sorted(k for k in kinds if k))}")
        questions = self.product.questions
        self.check_ids([(("questions", i, "id"), q.id) for i, q in enumerate(questions)], "question")
        for i, question in enumerate(questions):
            self.check_question(("questions", i), question)
        return self.errors

    def check_question(self, loc: Loc, question: Question) -> None:
        answers = [((*loc, "answers", a, "id"), answer.id) for a, answer in enumerate(question.answers)]
        self.check_ids(answers, "answer")
        for a, answer in enumerate(question.answers):
            at = (*loc, "answers", a)
            for key, values in (("choose", answer.choose), ("prefer", answer.prefer)):
                for option_id, value in values.items():
                    self.answer_value((*at, key, option_id), option_id, value)
            for option_id, allowed in answer.allow.items():
                for v, value in enumerate(allowed):
                    self.answer_value((*at, "allow", option_id, v), option_id, value, listed=False)

    def answer_value(self, loc: Loc, option_id: str, value: Any, *, listed: bool = True) -> None:
        option = self.options.get(option_id)
        if option is None:
            self.fail(loc, f"unknown option '{option_id}'{suggest(option_id, list(self.options))}", key=True)
            return
        cells = value if listed and traits(option).many and isinstance(value, list) else [value]
        if not all(cell_matches(option, cell) for cell in cells):
            self.fail(loc, f"{value!r} is not a value of option '{option_id}'")

    def check_layer(self, loc: Loc, layer: AnyLayer) -> None:
        self.expression(((*loc, "if")), layer.when)
        match layer:
            case ShapeLayer():
                self.layer_option(loc, "fill_from", layer.fill_from, choice=True)
            case TextLayer():
                self.layer_option(loc, "text_from", layer.text_from, choice=False)
                self.layer_option(loc, "font_from", layer.font_from, choice=True)
                self.layer_fonts(loc, layer)
            case ImageLayer():
                self.layer_option(loc, "image_from", layer.image_from, choice=True)
            case _:
                assert_never(layer)

    def layer_fonts(self, loc: Loc, layer: TextLayer) -> None:
        """Each font is keyed by a value of the font_from option (fonts without font_from mean nothing)."""
        option = self.options.get(layer.font_from or "")
        ids = [value.id for value in listed_values(option)] if option is not None else []
        for key in layer.fonts:
            if layer.font_from is None:
                self.fail((*loc, "fonts"), "fonts need font_from: the option whose value picks one", key=True)
                return
            if option is not None and key not in ids:
                self.fail((*loc, "fonts", key), f"'{key}' is not a value of '{option.id}'{suggest(key, ids)}",
                          key=True)

    def layer_option(self, loc: Loc, key: str, option_id: str | None, *, choice: bool) -> None:
        if option_id is None:
            return
        option = self.options.get(option_id)
        if option is None:
            self.fail((*loc, key), f"unknown option '{option_id}'{suggest(option_id, list(self.options))}")
        elif choice and traits(option).expression != "choice":
            self.fail((*loc, key), f"'{option_id}' is not a single choice: {key} needs one")

    def check_market(self, loc: Loc, market: Market) -> None:
        """A market's price list is one the product has; its languages are ones it is offered in."""
        lists = [self.product.currency.lower(), *(p.id for p in self.product.price_lists)]
        if market.price_list is not None and market.price_list not in lists:
            self.fail((*loc, "price_list"), f"no price list '{market.price_list}'{suggest(market.price_list, lists)}")
        offered = list(dict.fromkeys([self.product.language, *self.product.languages]))
        for j, language in enumerate(market.languages):
            if language not in offered:
                self.fail((*loc, "languages", j), f"'{language}' is not one of the product's languages "
                          f"({', '.join(offered)})")

    def check_regions(self, markets: Sequence[Market]) -> None:
        """A country is served by one market (its shoppers' default would otherwise depend on the order)."""
        served: dict[str, str] = {}
        for i, market in enumerate(markets):
            for j, region in enumerate(market.regions):
                if region in served:
                    said = f"'{region}' is already served by market '{served[region]}'"
                    self.fail(("markets", i, "regions", j), said)
                served.setdefault(region, market.id)

    def check_price_list(self, loc: Loc, price_list: PriceList) -> None:
        own_amounts, own_formulas = component_keys(self.product)
        amounts = amount_keys(self.product) | own_amounts
        formulas = formula_keys(self.product) | own_formulas
        for key in price_list.amounts:
            if key not in amounts:
                self.fail(
                    (*loc, "amounts", key),
                    f"'{key}' is not an amount of this product{suggest(key, list(amounts))}",
                    key=True,
                )
        for key, text in price_list.formulas.items():
            if key not in formulas:
                self.fail(
                    (*loc, "formulas", key),
                    f"'{key}' is not a formula of this product{suggest(key, list(formulas))}",
                    key=True,
                )
            else:
                self.expression((*loc, "formulas", key), text, formula=True)
        if price_list.currency == self.product.currency:
            return
        # Another currency: every amount must be given, since no exchange rate is ever invented.
        missing = [k for k in amounts if k not in price_list.amounts] + [
            k for k in formulas if k not in price_list.formulas
        ]
        if price_list.base_price is None:
            missing.insert(0, "base_price")
        if missing:
            shown = ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")
            self.fail(loc, f"price list '{price_list.id}' in {price_list.currency} has no amount for {shown}")

    def check_ids(self, items: Iterable[tuple[Loc, str]], what: str) -> None:
        seen: set[str] = set()
        for loc, ident in items:
            if ident in seen:
                self.fail(loc, f"duplicate {what} id '{ident}'")
            seen.add(ident)

    def check_option(self, loc: Loc, option: AnyOption) -> None:
        for path, message in problems(option):
            self.fail((*loc, *path), message)

    def check_making(self, bom_at: Loc, bom: Sequence[Part], routing_at: Loc, routing: Sequence[Operation],
                     types: Checker) -> None:
        """The bill of materials' and the routing's expressions: conditions, and numbers for quantities and times."""
        for i, part in enumerate(bom):
            self.expression((*bom_at, i, "if"), part.when, types=types)
            self.expression((*bom_at, i, "quantity"), part.quantity, formula=True, types=types)
        self.check_ids([((*routing_at, i, "id"), operation.id) for i, operation in enumerate(routing)], "operation")
        for i, operation in enumerate(routing):
            self.expression((*routing_at, i, "if"), operation.when, types=types)
            self.expression((*routing_at, i, "minutes"), operation.minutes, formula=True, types=types)

    def check_components(self) -> None:
        """Each component's ids, bounds, options, rules and price rules (its rules see its options first)."""
        steps = {step.id for step in self.product.steps}
        ids = [(("components", c, "id"), component.id) for c, component in enumerate(self.product.components)]
        self.check_ids(ids, "component")
        for c, component in enumerate(self.product.components):
            loc: Loc = ("components", c)
            if component.id in self.options or component.id in steps:
                self.fail((*loc, "id"), f"'{component.id}' is the id of an option or step already: a component's "
                          "id names how many instances there are")
            else:
                self.options[component.id] = count_option(component)
            if not component.options:
                self.fail(loc, f"component '{component.id}' needs options, or a product file to reuse (`product:`)")
            if component.min > component.max:
                self.fail((*loc, "min"), f"min ({component.min}) is greater than max ({component.max})")
            if component.default is not None and not component.min <= component.default <= component.max:
                self.fail((*loc, "default"), f"default {component.default} is not in {component.min}..{component.max}")
        for c, component in enumerate(self.product.components):
            ComponentChecks(self, ("components", c), component).run()

    def expression(self, loc: Loc, text: str | None, *, formula: bool = False, types: Checker | None = None) -> None:
        if text is None:
            return
        limit = self.product.limits.expression_length
        if len(text) > limit:
            self.fail(loc, f"an expression of {len(text)} characters is longer than the limit of {limit}; "
                           f"`limits: {{expression_length: {len(text)}}}` raises it (for imported models)")
            return
        try:
            expr = parse_expression(text)
            if formula:
                (types or self.types).number(expr)
            else:
                (types or self.types).condition(expr)
        except ExpressionError as exc:
            self.errors.append(self.doc.error_in_text(loc, exc.message, exc.offset))

    def check_rule(self, loc: Loc, rule: Any) -> None:
        if isinstance(rule, (RequiresRule, ExcludesRule)):
            self.expression((*loc, "if"), rule.when)
            self.expression((*loc, "then"), rule.then)
        elif isinstance(rule, ConstraintRule):
            self.expression((*loc, "if"), rule.when)
            self.expression((*loc, "expr"), rule.expr)
        elif isinstance(rule, DefaultRule):
            self.expression((*loc, "if"), rule.when)
            option = self.option_ref((*loc, "option"), rule.option)
            if option is not None:
                values = rule.value if isinstance(rule.value, list) else [rule.value]
                if not all(cell_matches(option, v) for v in values):
                    self.fail(
                        (*loc, "value"),
                        f"{shown(rule.value)} is not a value of '{option.id}'{guess_value(rule.value, option)}",
                    )
        elif isinstance(rule, TableRule):
            self.check_table(loc, rule)

    def option_ref(self, loc: Loc, ident: str) -> AnyOption | None:
        option = self.options.get(ident)
        if option is None:
            self.fail(loc, f"unknown option '{ident}'{suggest(ident, list(self.options))}")
        return option

    def check_table(self, loc: Loc, rule: TableRule) -> None:
        columns = [self.option_ref((*loc, "columns", i), c) for i, c in enumerate(rule.columns)]
        for i, option in enumerate(columns):
            if option is not None and not traits(option).in_tables:
                self.fail(
                    (*loc, "columns", i),
                    f"'{option.id}' is a {option.type} option; tables take single, boolean or number options",
                )
                columns[i] = None
        if (rule.rows is None) == (rule.rows_file is None):
            self.fail(loc, f"table '{rule.id}' needs exactly one of 'rows' or 'rows_file'")
            return
        self.check_rows([(*loc, "rows", r) for r in range(len(rule.rows or []))], rule.rows or [], columns)

    def check_rows(
        self, locs: Sequence[Loc], rows: Sequence[Sequence[Any]], columns: Sequence[AnyOption | None]
    ) -> None:
        for loc, row in zip(locs, rows, strict=False):
            if len(row) != len(columns):
                self.fail(loc, f"row has {len(row)} cells but the table has {len(columns)} columns")
                continue
            for c, (cell, option) in enumerate(zip(row, columns, strict=False)):
                if option is not None and not cell_matches(option, cell):
                    self.fail((*loc, c), f"{shown(cell)} is not a value of '{option.id}'{guess_value(cell, option)}")

    def check_price(self, loc: Loc, price: Any) -> None:
        if isinstance(price, (Adjustment, Formula)):
            self.expression((*loc, "if"), price.when)
        if isinstance(price, Formula):
            self.expression((*loc, "expr"), price.expr, formula=True)
        if isinstance(price, Adjustment) and (price.amount is None) == (price.percent is None):
            self.fail(loc, f"{price.type} '{price.id}' needs exactly one of 'amount' or 'percent'")
        if isinstance(price, Tiers) and price.over is not None and price.over not in self.components:
            self.fail((*loc, "over"), f"'{price.over}' is no component of this product"
                      f"{suggest(price.over, list(self.components))}")
        if isinstance(price, Tiers):
            previous = 0
            for i, tier in enumerate(price.tiers):
                if tier.max is not None and tier.min > tier.max:
                    self.fail((*loc, "tiers", i, "min"), f"min ({tier.min}) is greater than max ({tier.max})")
                elif tier.min <= previous:
                    self.fail((*loc, "tiers", i, "min"), f"tier starting at {tier.min} overlaps the tier before it")
                if (tier.amount is None) == (tier.percent is None):
                    self.fail((*loc, "tiers", i), "a tier needs exactly one of 'amount' or 'percent'")
                previous = tier.max if tier.max is not None else 10**12
