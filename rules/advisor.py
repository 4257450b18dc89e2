"""The engine's explaining half: why a value is not possible (a minimal set of choices and rules, by table look-ups
where one rule does it, else by the solver, remembered per question) and what to change for it (the fewest earlier
choices to drop). The configuring half (domains, checks, completions, counts) is `rules.engine.Engine`, which holds
one Advisor per compiled model.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from catalog.kinds import traits
from rules.backend import Backend
from rules.compile import CompiledModel
from rules.explain import Explainer, Explanation, Repair, TableIndex
from rules.obstacles import Obstacles
from rules.selection import Parsed, Selection, parse_selection, parse_value, without
from rules.tables import Array

# Explanations remembered per compiled product.
EXPLAINED_KEPT = 4096


class Advisor:
    """Explanations and repairs for one compiled model, over its backend; `obstacles` is the engine's one pass
    (what stands in each value's way), which repairs read where it answers."""

    def __init__(self, model: CompiledModel, backend: Backend, obstacles: Callable[[Parsed], Obstacles]) -> None:
        self.model = model
        self.backend = backend
        self.explainer = Explainer(model)
        self._obstacles = obstacles
        self._explained: OrderedDict[Hashable, Explanation] = OrderedDict()
        self._explained_lock = threading.Lock()

    def prepare(self) -> None:
        """Build the look-up index and the explainer's solver now (its time per explanation is then known)."""
        _ = self._tables, self._unconstrained
        self.explainer.prepare()

    def explain(self, selections: Selection, option_id: str, value: Any) -> Explanation:
        """A minimal set of choices and rules that together rule the value out: by table look-ups where one rule
        does it, else by the solver (remembered per question, the model never changing)."""
        value = parse_value(self.model, option_id, value)
        parsed = parse_selection(self.model, selections)
        found = self.quick_explain(parsed, option_id, value) or self.remembered(parsed, option_id, value)
        if found is None:
            found = self.explainer.explain(parsed, option_id, value)
            with self._explained_lock:
                self._explained[self._question(parsed, option_id, value)] = found
                while len(self._explained) > EXPLAINED_KEPT:
                    self._explained.popitem(last=False)
        return found

    def remembered(self, selections: Selection, option_id: str, value: Any) -> Explanation | None:
        """The solver's explanation of this very question, where it was asked lately."""
        if not self._explained:
            return None  # nothing asked of the solver yet: a page asks this of hundreds of values
        key = self._question(selections, option_id, value)
        with self._explained_lock:
            found = self._explained.get(key)
            if found is not None:
                self._explained.move_to_end(key)
            return found

    def _question(self, selections: Selection, option_id: str, value: Any) -> Hashable:
        """A question as a key: the other choices' catalog values (and any that are not values), the option and
        the value; selections that read alike ask the same question."""
        parsed = parse_selection(self.model, selections)
        others = frozenset((name, chosen) for name, chosen in parsed.values.items() if name != option_id)
        refused = frozenset(v.option for v in parsed.violations if v.option != option_id)
        return others, refused, option_id, value

    def quick_explain(self, selections: Selection, option_id: str, value: Any) -> Explanation | None:
        """A minimal explanation found without a solver, where one rule and some of the choices rule the value out
        between them (TableIndex); None where it takes several rules (use `explain`)."""
        return self.lookups(without(self.model, selections, option_id))(option_id, value)

    def lookups(self, selections: Selection) -> Callable[[str, Any], Explanation | None]:
        """`quick_explain` for many values against one selection, parsed once (a page asks for hundreds)."""
        parsed = parse_selection(self.model, selections)
        memo: dict[tuple[int, int], int] = {}

        def look_up(option_id: str, value: Any) -> Explanation | None:
            variables = self.model.option_vars.get(option_id, ())
            if parsed.violations or len(variables) != 1:
                return None
            var = variables[0]
            index = self.model.value_index[var].get(value)
            if index is None or not self._possible_alone(var, index):
                return None  # ruled out by the rules alone: the solver says which
            found = self._tables.direct(parsed.fixed, var, index, memo)  # the option's own choice is never used
            if found is None:
                return None
            others, rule = found
            names = dict.fromkeys(self.model.variables[other].option for other in others)
            choices = tuple((name, parsed.values[name]) for name in names)
            return Explanation(option_id, value, False, choices, (rule,), (self.model.messages.get(rule, rule),))

        return look_up

    def _possible_alone(self, var: int, index: int) -> bool:
        domains = self._unconstrained
        return domains is not None and bool(domains[var][index])

    @functools.cached_property
    def _unconstrained(self) -> list[Array] | None:
        return self.backend.domains({})

    @functools.cached_property
    def _tables(self) -> TableIndex:
        return TableIndex(self.model)

    def repair(self, selections: Selection, option_id: str, value: Any) -> Repair:
        """The smallest set of earlier choices to drop so that the value becomes possible: read off the
        least-changes pass (the page's "Only if you change" says the same) where every other choice is one
        variable, so that fewest variables is fewest choices; else from the solver's minimum correction sets."""
        value = parse_value(self.model, option_id, value)
        rest = without(self.model, selections, option_id)
        single = all(len(self.model.option_vars.get(name, ())) <= 1 for name in rest.given)
        obstacles = self._obstacles(rest) if single else None
        option = self.model.options.get(option_id)
        if obstacles is None or option is None or not self.model.option_vars[option_id]:
            return self.explainer.repair(rest, option_id, value)
        key = (option_id, str(value) if traits(option).many else value)
        if key not in obstacles.values:
            return self.explainer.repair(rest, option_id, value)  # a number, or not a value: the solver says
        in_the_way = obstacles.blocking.get(key, ())
        return Repair(option_id, value, in_the_way is not None, tuple(sorted(in_the_way or ())))
