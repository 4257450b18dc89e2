"""The configuration engine: validate, valid domains, explain, repair, complete and count, on a compiled model.

Valid domains and counts come from the join tree (rules/jointree.py) where the model's tree stays small, and
from incremental SAT (rules/sat.py) where it does not; explanations and repairs always use SAT.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from catalog.checker import number_domain
from catalog.schema import MultiOption, NumberOption, Product, QuantityOption, TextOption
from rules.compile import CompiledModel, compile_product
from rules.errors import EngineLimitError, SelectionError
from rules.evaluate import Undecided, evaluate
from rules.jointree import JoinTree
from rules.optimum import cheapest_by_maxsat
from rules.sat import SatModel
from rules.selection import Parsed, Violation, parse_selection


@dataclass(frozen=True)
class OptionDomain:
    """The values of one option that still extend to a valid configuration."""

    option: str
    type: str
    values: tuple[Any, ...]  # multi: the values that can still be included
    excludable: tuple[Any, ...] = ()  # multi: the values that can still be left out
    selected: Any = None

    @property
    def low(self) -> Any:
        """The smallest possible value of a number option."""
        return min(self.values) if self.values else None

    @property
    def high(self) -> Any:
        """The largest possible value of a number option."""
        return max(self.values) if self.values else None


@dataclass(frozen=True)
class Domains:
    """The state of a selection: consistent, complete, and what each option may still take."""

    consistent: bool
    complete: bool
    domains: Mapping[str, OptionDomain]
    violations: tuple[Violation, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)  # the selection as catalog values


@dataclass(frozen=True)
class Explanation:
    """Why a value is ruled out: a minimal set of the shopper's choices and catalog rules."""

    option: str
    value: Any
    possible: bool
    choices: tuple[tuple[str, Any], ...] = ()
    rules: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Repair:
    """The fewest earlier choices to drop so that a value becomes possible."""

    option: str
    value: Any
    possible: bool
    drop: tuple[str, ...] = ()


class Engine:
    """Compiled once per catalog content; every operation takes a selection and returns a result."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        try:
            self.tree: JoinTree | None = JoinTree(model)
        except EngineLimitError:
            self.tree = None
        self._sat: SatModel | None = None
        self._domain_sat: SatModel | None = None
        self._guards: dict[tuple[int, ...], int] = {}
        self._lock = threading.Lock()

    @property
    def sat(self) -> SatModel:
        """The SAT model with rule selectors, for explanations and repairs; built on first use."""
        if self._sat is None:
            self._sat = SatModel(self.model)
        return self._sat

    @property
    def domain_sat(self) -> SatModel:
        """The SAT model with every rule always on (fewer assumptions per call), for domains and completion."""
        if self._domain_sat is None:
            self._domain_sat = SatModel(self.model, guarded=False)
        return self._domain_sat

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        """A flat array over all values, cut into one array per variable."""
        sizes = [len(v.values) for v in self.model.variables]
        return np.split(flat, np.cumsum(sizes)[:-1]) if sizes else []

    def valid_domains(self, selections: Mapping[str, Any]) -> Domains:
        """For every option, exactly the values that still extend to a complete valid configuration."""
        parsed = parse_selection(self.model, selections)
        if parsed.violations:
            return self._state(parsed, None)
        return self._state(parsed, self._possible(parsed.fixed))

    def validate(self, selections: Mapping[str, Any]) -> Domains:
        """Domains plus the violations: the broken rules, or a minimal conflict among the choices."""
        parsed = parse_selection(self.model, selections)
        possible = None if parsed.violations else self._possible(parsed.fixed)
        state = self._state(parsed, possible)
        if possible is None and not parsed.violations:
            violations = self._broken_rules(parsed.fixed) or self._conflict(parsed)
            return Domains(False, False, state.domains, tuple(violations), parsed.values)
        return state

    def check(self, selections: Mapping[str, Any]) -> Domains:
        """Like validate, but a full assignment is checked table by table without computing domains (fast)."""
        quick = self.quick_check(selections)
        return self.validate(selections) if quick is None else quick

    def quick_check(self, selections: Mapping[str, Any]) -> Domains | None:
        """The check when it is cheap (bad values, or a full assignment checked table by table); None otherwise.

        Cheap means no propagation and no solver: time linear in the selection and the number of tables.
        """
        parsed = parse_selection(self.model, selections)
        if parsed.violations:
            return self._state(parsed, None)
        if len(parsed.fixed) < len(self.model.variables) or self.model.formulas:
            return None
        broken = self._broken_rules(parsed.fixed)
        missing = [o for o in self.model.options.values() if o.id not in parsed.values and needs_value(o)]
        return Domains(not broken, not broken and not missing, {}, tuple(broken), parsed.values)

    def _possible(self, fixed: Mapping[int, int]) -> list[np.ndarray] | None:
        if self.tree is not None:
            alive = self.tree.propagate(fixed)
            return None if alive is None else self.tree.domains(alive)
        with self._lock:
            found = self.domain_sat.fast_domains(fixed)
        return None if found is None else self.split(found)

    def _state(self, parsed: Parsed, possible: list[np.ndarray] | None) -> Domains:
        domains: dict[str, OptionDomain] = {}
        complete = possible is not None
        for option in self.model.options.values():
            variables = self.model.option_vars[option.id]
            selected = parsed.values.get(option.id)
            if isinstance(option, MultiOption):
                include = tuple(
                    self.model.variables[v].member for v in variables if possible is not None and possible[v][1]
                )
                exclude = tuple(
                    self.model.variables[v].member for v in variables if possible is not None and possible[v][0]
                )
                values: tuple[Any, ...] = include
                domains[option.id] = OptionDomain(option.id, option.type, values, exclude, selected)
            elif isinstance(option, TextOption) or not variables:
                values = _free_values(option) if possible is not None else ()
                domains[option.id] = OptionDomain(option.id, option.type, values, (), selected)
            else:
                var = variables[0]
                catalog_values = self.model.variables[var].values
                mask = possible[var] if possible is not None else ()
                values = tuple(v for v, ok in zip(catalog_values, mask) if ok)
                domains[option.id] = OptionDomain(option.id, option.type, values, (), selected)
            if option.id not in parsed.values and needs_value(option):
                complete = False
        return Domains(possible is not None, complete, domains, tuple(parsed.violations), parsed.values)

    def _broken_rules(self, fixed: Mapping[int, int]) -> list[Violation]:
        broken = []
        for table, rows in zip(self.model.tables, self._row_sets):
            scoped = all(var in fixed for var in table.scope)
            if scoped and tuple(fixed[var] for var in table.scope) not in rows:
                broken.append(Violation(self.model.messages[table.rule_id], rule_id=table.rule_id))
        return broken

    @functools.cached_property
    def _row_sets(self) -> list[frozenset[tuple[int, ...]]]:
        """Each table's rows as a set of tuples, for constant-time checks of full assignments."""
        return [frozenset(map(tuple, table.rows.tolist())) for table in self.model.tables]

    def _conflict(self, parsed: Parsed) -> list[Violation]:
        with self._lock:
            sat = self.sat
            guards = self._choice_guards(parsed)
            choices = sat.conflict(list(guards), sat.all_rules) or []
            rules = sat.conflict(sat.all_rules, choices) or []
        names = [guards[g] for g in choices]
        rule_ids = _rule_ids(sat, rules)
        shown = ", ".join(f"{name} = {_show(parsed.values[name])}" for name in names)
        return [
            Violation(f"{self.model.messages[rule]} (with {shown})" if shown else self.model.messages[rule], rule)
            for rule in rule_ids
        ]

    def _choice_guards(self, parsed: Parsed, skip: str | None = None) -> dict[int, str]:
        """One literal per selected option that, assumed, fixes all of that option's variables."""
        guards: dict[int, str] = {}
        for name in parsed.values:
            if name == skip:
                continue
            lits = tuple(
                self.sat.lits[var][parsed.fixed[var]] for var in self.model.option_vars[name] if var in parsed.fixed
            )
            if lits:
                guards[self._guard(lits)] = name
        return guards

    def _guard(self, lits: tuple[int, ...]) -> int:
        if lits not in self._guards:
            sat = self.sat
            guard = sat.fresh()
            sat.solver.append_formula([[-guard, lit] for lit in lits])
            self._guards[lits] = guard
        return self._guards[lits]

    def _target(self, option_id: str, value: Any) -> tuple[int, ...]:
        option = self.model.options.get(option_id)
        variables = self.model.option_vars.get(option_id, ())
        if option is None or not variables:
            raise SelectionError(option_id, "not an option the rules constrain")
        if isinstance(option, MultiOption):
            member = next((v for v in variables if self.model.variables[v].member == str(value)), None)
            if member is None:
                raise SelectionError(option_id, f"'{value}' is not among the values")
            return (self.sat.lits[member][1],)
        parsed = parse_selection(self.model, {option_id: value})
        if parsed.violations:
            raise SelectionError(option_id, parsed.violations[0].message)
        var = variables[0]
        return (self.sat.lits[var][parsed.fixed[var]],)

    def _question(
        self, selections: Mapping[str, Any], option_id: str, value: Any
    ) -> tuple[Parsed, int, dict[int, str]]:
        """The other choices, a literal for "option = value", and one guard literal per chosen option."""
        parsed = parse_selection(self.model, {k: v for k, v in selections.items() if k != option_id})
        if parsed.violations:
            raise SelectionError(parsed.violations[0].option or option_id, parsed.violations[0].message)
        return parsed, self._guard(self._target(option_id, value)), self._choice_guards(parsed)

    def explain(self, selections: Mapping[str, Any], option_id: str, value: Any) -> Explanation:
        """A minimal set of choices and rules that together rule the value out (deletion-based, core-seeded)."""
        with self._lock:
            parsed, target, guards = self._question(selections, option_id, value)
            core = self.sat.conflict(list(guards) + self.sat.all_rules, [target])
        if core is None:
            return Explanation(option_id, value, True)
        choices = tuple((guards[g], parsed.values[guards[g]]) for g in core if g in guards)
        rule_ids = _rule_ids(self.sat, [g for g in core if g not in guards])
        messages = tuple(self.model.messages[r] for r in rule_ids)
        return Explanation(option_id, value, False, choices, tuple(rule_ids), messages)

    def repair(self, selections: Mapping[str, Any], option_id: str, value: Any) -> Repair:
        """The smallest set of earlier choices to drop so that the value becomes possible."""
        with self._lock:
            _, target, guards = self._question(selections, option_id, value)
            drop = self.sat.correction(list(guards), [target, *self.sat.all_rules])
        if drop is None:
            return Repair(option_id, value, False)
        return Repair(option_id, value, True, tuple(sorted(guards[g] for g in drop)))

    def complete(self, selections: Mapping[str, Any]) -> dict[str, Any] | None:
        """A full valid configuration extending the selection, preferring defaults; None if there is none."""
        parsed = parse_selection(self.model, selections)
        if parsed.violations:
            return None
        values = dict(parsed.values)
        fixed = dict(parsed.fixed)
        if self.tree is None:
            with self._lock:
                assignment = self.domain_sat.complete(fixed, self._preferred(values))
            if assignment is None:
                return None
            fixed = dict(enumerate(assignment))
        else:
            alive = self.tree.propagate(fixed)
            if alive is None:
                return None
            for option in self.model.options.values():
                for var in self.model.option_vars[option.id]:
                    if var in fixed:
                        continue
                    possible = self.tree.domains(alive)[var]
                    wanted = self._preferred(values).get(var)
                    choice = wanted if wanted is not None and possible[wanted] else int(np.flatnonzero(possible)[0])
                    fixed[var] = choice
                    alive = self.tree.propagate(fixed)
                    assert alive is not None, "a value from a valid domain always extends"
                    values.update(self._values_of(fixed, only=option.id))
        result = self._values_of(fixed)
        for option in self.model.options.values():
            if option.id not in result:
                result[option.id] = values.get(option.id, _default(option))
        return result

    def _preferred(self, values: Mapping[str, Any]) -> dict[int, int]:
        """Preferred value index per variable: conditional defaults that hold, then option defaults."""
        preferred: dict[int, int] = {}
        for option in self.model.options.values():
            default = _default(option)
            for suggestion in self.model.suggestions:
                if suggestion.option != option.id:
                    continue
                try:
                    if suggestion.when is None or evaluate(suggestion.when, values):
                        default = suggestion.value
                        break
                except Undecided:
                    continue
            preferred.update(self._indices(option.id, default))
        return preferred

    def _indices(self, option_id: str, value: Any) -> dict[int, int]:
        if value is None:
            return {}
        option = self.model.options[option_id]
        if isinstance(option, MultiOption):
            chosen = {str(v) for v in (value if isinstance(value, list | tuple | frozenset) else [value])}
            return {var: int(self.model.variables[var].member in chosen) for var in self.model.option_vars[option_id]}
        parsed = parse_selection(self.model, {option_id: value})
        return {} if parsed.violations else parsed.fixed

    def _values_of(self, fixed: Mapping[int, int], only: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for option_id, variables in self.model.option_vars.items():
            if only is not None and option_id != only:
                continue
            if not variables or not all(v in fixed for v in variables):
                continue
            option = self.model.options[option_id]
            if isinstance(option, MultiOption):
                out[option_id] = frozenset(str(self.model.variables[v].member) for v in variables if fixed[v] == 1)
            elif not isinstance(option, TextOption):
                out[option_id] = self.model.variables[variables[0]].values[fixed[variables[0]]]
        return out

    def cheapest_by_sat(self, fixed: Mapping[int, int], costs: list[Any], price_list: Any) -> list[int] | None:
        """The cheapest full assignment by MaxSAT, for models without a join tree (price rules included where the
        MaxSAT form can hold them, else by option prices alone)."""
        with self._lock:
            exact = cheapest_by_maxsat(self.model, self.domain_sat, fixed, costs, price_list)
            if exact is not None:
                return exact
            return cheapest_by_maxsat(self.model, self.domain_sat, fixed, costs, price_list, with_rules=False)

    def selection_of(self, fixed: Mapping[int, int]) -> dict[str, Any]:
        """Catalog selections (multi options as sorted lists) for fixed variable values."""
        return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in self._values_of(fixed).items()}

    def count(self, selections: Mapping[str, Any]) -> int:
        """The exact number of complete valid configurations extending the selection."""
        parsed = parse_selection(self.model, selections)
        if parsed.violations:
            return 0
        if self.tree is None:
            raise EngineLimitError("this model is too wide for exact counting")
        return self.tree.count(parsed.fixed)


def _rule_ids(sat: SatModel, selectors: list[int]) -> list[str]:
    by_literal = {lit: rule for rule, lit in sat.selectors.items()}
    return [by_literal[lit] for lit in selectors if lit in by_literal]


def _free_values(option: Any) -> tuple[Any, ...]:
    if isinstance(option, QuantityOption | NumberOption):
        return tuple(number_domain(option))
    return ()


def needs_value(option: Any) -> bool:
    """Whether a complete configuration must give this option a value (quantities and optional texts need not)."""
    if isinstance(option, TextOption):
        return option.required
    return not isinstance(option, QuantityOption)


def _default(option: Any) -> Any:
    if isinstance(option, MultiOption):
        marked = [v.id for v in option.values if v.default]
        return option.default or marked
    if hasattr(option, "values"):
        marked = [v.id for v in option.values if v.default]
        return option.default if option.default is not None else (marked[0] if marked else None)
    if isinstance(option, QuantityOption):
        return option.default if option.default is not None else option.min
    if isinstance(option, NumberOption):
        return option.default
    return getattr(option, "default", None)


def _show(value: Any) -> str:
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_CACHE: OrderedDict[str, Engine] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def compiled_engine(product: Product, content_hash: str) -> Engine | None:
    """The engine of a product if it is compiled already (never compiles)."""
    with _CACHE_LOCK:
        return _CACHE.get(f"{product.id}:{content_hash}")


def engine_for(product: Product, content_hash: str) -> Engine:
    """The engine of a product, compiled once per catalog content hash and cached."""
    key = f"{product.id}:{content_hash}"
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    engine = Engine(compile_product(product, content_hash))
    with _CACHE_LOCK:
        _CACHE[key] = engine
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return engine


def plain(value: Any) -> Any:
    """A catalog value as JSON-ready data: integral Decimals as ints, others as strings; sets as sorted lists."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value
