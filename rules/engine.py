"""The configuration engine, its configuring half: validate, valid domains, obstacles, complete, cheapest, count,
on a compiled model; its explaining half (explain, repair) is `engine.advisor` (rules/advisor.py).

A backend (rules/backend.py: the join tree, or SAT where the tree would be too large) is chosen once per model
and answers domains, completions, counts and cheapest completions; the state of a selection is built in
rules/domains.py.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from catalog.kinds import default_value, traits
from catalog.schema import (
    AnyOption,
    Product,
)
from rules.advisor import Advisor
from rules.assignment import decided_values
from rules.backend import Backend, BackendName, make_backend
from rules.changes import LeastChanges
from rules.compile import CompiledModel, compile_product
from rules.cost import Cost
from rules.domains import Domains, OptionDomain, missing, option_domain, option_domains
from rules.evaluate import Undecided, evaluate
from rules.explain import Explanation, Repair
from rules.obstacles import FreedChanges, FreedDomains, Obstacles, obstacles_of
from rules.selection import Parsed, Selection, Violation, parse_selection, without

__all__ = [
    "Domains",
    "Engine",
    "Explanation",
    "Obstacles",
    "OptionDomain",
    "Repair",
    "compiled_engine",
    "engine_for",
]


class Engine:
    """Compiled once per catalog content; every operation takes a selection and returns a result."""

    def __init__(self, model: CompiledModel, backend: BackendName | None = None) -> None:
        self.model = model
        self.backend: Backend = make_backend(model, backend)
        self.advisor = Advisor(model, self.backend, self.obstacles)

    def prepare(self) -> None:
        """Build now what a first shopper would otherwise wait for: the one-pass structures (on SAT, the blocks and
        their first domains), the look-up index, the tables' row sets that check a full configuration (the price's
        path) and the explainer's solver (whose time per explanation is then known)."""
        self._row_sets  # noqa: B018 - built now, not on a storefront's first price
        self.backend.least_changes({})
        self.backend.domains({})
        self.advisor.prepare()

    def parse(self, selections: Selection) -> Parsed:
        """The selection parsed against the model, once: every operation takes the result as it is."""
        return parse_selection(self.model, selections)

    def valid_domains(self, selections: Selection) -> Domains:
        """For every option, exactly the values that still extend to a complete valid configuration."""
        parsed = parse_selection(self.model, selections)
        possible = None if parsed.violations else self.backend.domains(parsed.fixed)
        return option_domains(self.model, parsed, possible)

    def consistent(self, selections: Selection) -> bool:
        """Whether some complete valid configuration extends the selection (one check, no domains computed)."""
        parsed = parse_selection(self.model, selections)
        return not parsed.violations and self.backend.check(parsed.fixed)

    def validate(self, selections: Selection) -> Domains:
        """Domains plus the violations: the broken rules, or a minimal conflict among the choices."""
        return self._validate(parse_selection(self.model, selections))

    def _validate(self, parsed: Parsed) -> Domains:
        possible = None if parsed.violations else self.backend.domains(parsed.fixed)
        state = option_domains(self.model, parsed, possible)
        if possible is None and not parsed.violations:
            violations = self._broken_rules(parsed.fixed) or self.advisor.explainer.conflict(parsed)
            return Domains(False, False, state.domains, tuple(violations), parsed.values)
        return state

    def check(self, selections: Selection) -> Domains:
        """Like validate, but a full assignment is checked without computing domains: table by table, or (with
        rules kept as formulas) by the backend; domains and the violations only where it fails."""
        parsed = parse_selection(self.model, selections)
        quick = self._quick_check(parsed)
        if quick is not None:
            return quick
        if len(parsed.fixed) == len(self.model.variables) and self.backend.check(parsed.fixed):
            return Domains(True, not missing(self.model, parsed.values), {}, (), parsed.values)
        return self._validate(parsed)

    def quick_check(self, selections: Selection) -> Domains | None:
        """The check when it is cheap (bad values, or a full assignment checked table by table); None otherwise.

        Cheap means no propagation and no solver: time linear in the selection and the number of tables.
        """
        return self._quick_check(parse_selection(self.model, selections))

    def _quick_check(self, parsed: Parsed) -> Domains | None:
        if parsed.violations:
            return option_domains(self.model, parsed, None)
        if len(parsed.fixed) < len(self.model.variables) or self.model.formulas:
            return None
        broken = self._broken_rules(parsed.fixed)
        complete = not broken and not missing(self.model, parsed.values)
        return Domains(not broken, complete, {}, tuple(broken), parsed.values)

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

    def alternatives(self, selections: Selection, state: Domains | None = None) -> dict[str, OptionDomain]:
        """For each option, the values it can take with every other choice kept: a chosen option's own choice
        is left out, so the shopper sees what they could switch it to (an empty domain where nothing fits).
        `state`: the selection's own domains, where the caller has them already."""
        return dict(self.obstacles(selections, state).alternatives)

    def obstacles(self, selections: Selection, state: Domains | None = None) -> Obstacles:
        """Each option's alternatives, and for every value it cannot take the fewest other choices in its way, in
        one pass where the backend has it; otherwise the alternatives alone, option by option, with nothing
        known of what stands in a value's way (the solver explains it when asked)."""
        parsed = self.parse(selections)
        changes = self._least_changes(parsed)
        if changes is None:
            return Obstacles(self._switchable(parsed, state), {}, frozenset())
        return obstacles_of(self.model, parsed, changes, *self._freeing(parsed))

    def _switchable(self, parsed: Parsed, state: Domains | None) -> dict[str, OptionDomain]:
        """The alternatives without a least-changes pass: each chosen option's domain with its own choice freed."""
        out = dict((state or self.valid_domains(parsed)).domains)
        for option_id in parsed.given:
            option = self.model.options.get(option_id)
            if option is None:
                continue
            rest = without(self.model, parsed, option_id)
            possible = None if rest.violations else self.backend.domains(rest.fixed)
            out[option_id] = option_domain(self.model, option, rest, possible)
        return out

    def outlook(self, selections: Selection) -> tuple[Domains, Obstacles]:
        """The selection's state (as `validate`) and its obstacles, from the one pass where the backend has it."""
        parsed = self.parse(selections)
        changes = self._least_changes(parsed)
        if changes is None:
            state = self._validate(parsed)
            return state, Obstacles(self._switchable(parsed, state if not parsed.violations else None), {},
                                    frozenset())
        obstacles = obstacles_of(self.model, parsed, changes, *self._freeing(parsed))
        if not all((costs == 0).any() for costs in changes.costs):
            return self._validate(parsed), obstacles  # the violations say why
        return option_domains(self.model, parsed, [costs == 0 for costs in changes.costs]), obstacles

    def _freeing(self, parsed: Parsed) -> tuple[FreedDomains, FreedChanges]:
        """The valid domains, and the least-changes pass, with the selection's fixed variables kept but the given
        ones."""
        def kept(freed: frozenset[int]) -> dict[int, int]:
            return {v: i for v, i in parsed.fixed.items() if v not in freed}

        backend = self.backend
        return (lambda freed: backend.domains(kept(freed))), (lambda freed: backend.least_changes(kept(freed)))

    def _least_changes(self, parsed: Parsed) -> LeastChanges | None:
        """The backend's least-changes pass over a parsed selection (None: bad values, or no such pass)."""
        return None if parsed.violations else self.backend.least_changes(parsed.fixed)

    def complete(self, selections: Selection, seconds: float | None = None) -> dict[str, Any] | None:
        """A full valid configuration extending the selection, preferring defaults; None if there is none;
        TimeBudgetError where it is not found within `seconds`."""
        parsed = parse_selection(self.model, selections)
        if parsed.violations:
            return None
        return self._completion(parsed, parsed.fixed, seconds)

    def _completion(
        self, parsed: Parsed, fixed: Mapping[int, int], seconds: float | None = None
    ) -> dict[str, Any] | None:
        assignment = self.backend.complete(fixed, self._preferences(parsed), seconds)
        return None if assignment is None else self._finished(parsed, assignment)

    def _finished(self, parsed: Parsed, assignment: Mapping[int, int]) -> dict[str, Any]:
        """Catalog values of a full valid assignment, with the selection's own values for options no rule holds."""
        result = self._values_of(assignment)
        for option in self.model.options.values():
            if option.id not in result:
                result[option.id] = parsed.values.get(option.id, default_value(option))
        return result

    def cheapest(self, selections: Selection, cost: Cost) -> dict[str, Any] | None:
        """The cheapest complete configuration extending the selection (catalog values), or None.

        Costs are per unit, so an open quantity that rules constrain is first set to its least possible value.
        """
        parsed = parse_selection(self.model, selections)
        if parsed.violations:
            return None
        fixed = dict(parsed.fixed)
        for option in self.model.options.values():
            variables = self.model.option_vars[option.id]
            if traits(option).order_quantity and variables and variables[0] not in fixed:
                possible = self.backend.domains(fixed)
                if possible is None:
                    return None
                fixed[variables[0]] = int(np.flatnonzero(possible[variables[0]])[0])  # the grid ascends
        assignment = self.backend.cheapest(fixed, cost)
        return None if assignment is None else self._finished(parsed, dict(enumerate(assignment)))

    def count(self, selections: Selection, seconds: float | None = None) -> int:
        """The exact number of complete valid configurations extending the selection; CountTimeoutError if the
        counter has not answered within `seconds` (None: no limit)."""
        parsed = parse_selection(self.model, selections)
        return 0 if parsed.violations else self.backend.count(parsed.fixed, seconds)

    def _preferences(self, parsed: Parsed) -> Callable[[Mapping[int, int]], dict[int, int]]:
        """Preferred value index per variable as the completion goes: conditional defaults that hold so far, then
        option defaults (worked out once: only options with conditional defaults depend on the values so far)."""
        conditional = {suggestion.option for suggestion in self.model.suggestions}
        steady: dict[int, int] = {}
        for option in self.model.options.values():
            if option.id not in conditional:
                steady.update(self._indices(option, default_value(option)))
        if not conditional:
            return lambda chosen: steady

        def preferred(chosen: Mapping[int, int]) -> dict[int, int]:
            values = {**parsed.values, **self._values_of(chosen)}
            found = dict(steady)
            for option_id in conditional:
                found.update(self._indices(self.model.options[option_id], self._default(option_id, values)))
            return found

        return preferred

    def _default(self, option_id: str, values: Mapping[str, Any]) -> Any:
        """The option's default given the values so far: the first conditional default that holds, else its own."""
        for suggestion in self.model.suggestions:
            if suggestion.option != option_id:
                continue
            try:
                if suggestion.when is None or evaluate(suggestion.when, values):
                    return suggestion.value
            except Undecided:
                continue
        return default_value(self.model.options[option_id])

    def _indices(self, option: AnyOption, value: Any) -> dict[int, int]:
        if value is None:
            return {}
        if traits(option).many:
            chosen = {str(v) for v in (value if isinstance(value, list | tuple | frozenset) else [value])}
            return {var: int(self.model.variables[var].member in chosen) for var in self.model.option_vars[option.id]}
        parsed = parse_selection(self.model, {option.id: value})
        return {} if parsed.violations else dict(parsed.fixed)

    def _values_of(self, fixed: Mapping[int, int]) -> dict[str, Any]:
        """Catalog values of the options whose variables are all fixed (a text's variable holds no text)."""
        return decided_values(self.model, fixed)

    def selection_of(self, fixed: Mapping[int, int]) -> dict[str, Any]:
        """Catalog selections (multi options as sorted lists) for fixed variable values."""
        return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in self._values_of(fixed).items()}


_CACHE: OrderedDict[str, Engine] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def compiled_engine(product: Product, content_hash: str, language: str = "") -> Engine | None:
    """The engine of a product if it is compiled already (never compiles)."""
    with _CACHE_LOCK:
        return _CACHE.get(f"{product.id}:{content_hash}:{language}")


def engine_for(product: Product, content_hash: str, language: str = "") -> Engine:
    """The engine of a product, compiled once per catalog content hash and cached; `language` names the words a
    translated product's engine speaks in (its messages and labels; its logic is the same as the product's)."""
    key = f"{product.id}:{content_hash}:{language}"
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
