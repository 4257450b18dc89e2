"""Explanations and repairs: SAT with a selector per rule and a guard literal per choice, minimal cores and
minimum correction sets over them."""

from __future__ import annotations

import functools
import operator
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from catalog.kinds import choice_words, traits
from catalog.schema import AnyOption
from catalog.wording import _
from rules.compile import CompiledModel
from rules.sat import SatModel
from rules.selection import Parsed, Selection, SelectionError, Violation, parse_selection, without
from rules.tables import Array


@dataclass(frozen=True)
class Explanation:
    """Why a value is ruled out: a minimal set of the shopper's choices and catalog rules."""

    option: str
    value: Any
    possible: bool
    choices: tuple[tuple[str, Any], ...] = ()
    rules: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()

    def words(self, options: Mapping[str, AnyOption]) -> str:
        """The explanation as a shopper reads it: "Not with <choices>: <the rules' messages>" ("" if possible)."""
        if self.possible:
            return ""
        said = " ".join(dict.fromkeys(self.messages))
        named = ", ".join(choice_words(options.get(name), value, name) for name, value in self.choices)
        return _("Not with %(choices)s: %(reasons)s") % {"choices": named, "reasons": said} if named else said


@dataclass(frozen=True)
class Repair:
    """The fewest earlier choices to drop so that a value becomes possible."""

    option: str
    value: Any
    possible: bool
    drop: tuple[str, ...] = ()


# About how many solver calls a minimal explanation takes (one to find a core, then one per element to shrink it).
SOLVES_PER_EXPLANATION = 4


class Explainer:
    """The guarded SAT model of one compiled product; its calls are serialised by a lock."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self._sat: SatModel | None = None
        self._guards: dict[tuple[int, ...], int] = {}
        self._lock = threading.Lock()
        self.typical_seconds = 0.0  # how long an explanation takes, as measured (a moving average)

    @property
    def sat(self) -> SatModel:
        """The SAT model with rule selectors, built on first use."""
        if self._sat is None:
            self._sat = SatModel(self.model)
        return self._sat

    def prepare(self) -> None:
        """Build the solver now, and estimate an explanation's time from one solve (a few solves each)."""
        with self._lock:
            sat = self.sat
            started = time.perf_counter()
            sat.solve(sat.all_rules)
            self.typical_seconds = max(self.typical_seconds, SOLVES_PER_EXPLANATION * (time.perf_counter() - started))

    def _measured(self, seconds: float) -> None:
        self.typical_seconds = seconds if not self.typical_seconds else (self.typical_seconds + seconds) / 2

    def conflict(self, parsed: Parsed) -> list[Violation]:
        """The rules that a consistent-looking but impossible selection breaks, with a minimal set of its choices."""
        with self._lock:
            sat = self.sat
            guards = self._choice_guards(parsed)
            choices = sat.conflict(list(guards), sat.all_rules) or []
            rules = sat.conflict(sat.all_rules, choices) or []
        names = [guards[g] for g in choices]
        rule_ids = _rule_ids(sat, rules)
        shown = ", ".join(choice_words(self.model.options.get(name), parsed.values[name], name) for name in names)
        return [
            Violation(_("%(message)s (with %(choices)s)") % {"message": self.model.messages[rule], "choices": shown}
                      if shown else self.model.messages[rule], rule)
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
        if len(lits) == 1:
            return lits[0]  # one value: its own literal is the guard (no variable added per question)
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
        if traits(option).many:
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
        self, selections: Selection, option_id: str, value: Any
    ) -> tuple[Parsed, int, dict[int, str]]:
        """The other choices, a literal for "option = value", and one guard literal per chosen option."""
        parsed = without(self.model, selections, option_id)
        if parsed.violations:
            raise SelectionError(parsed.violations[0].option or option_id, parsed.violations[0].message)
        return parsed, self._guard(self._target(option_id, value)), self._choice_guards(parsed)

    def explain(self, selections: Selection, option_id: str, value: Any) -> Explanation:
        """A minimal set of choices and rules that together rule the value out (deletion-based, core-seeded)."""
        with self._lock:
            started = time.perf_counter()
            parsed, target, guards = self._question(selections, option_id, value)
            core = self.sat.conflict(list(guards) + self.sat.all_rules, [target])
            self._measured(time.perf_counter() - started)
        if core is None:
            return Explanation(option_id, value, True)
        choices = tuple((guards[g], parsed.values[guards[g]]) for g in core if g in guards)
        rule_ids = _rule_ids(self.sat, [g for g in core if g not in guards])
        messages = tuple(self.model.messages[r] for r in rule_ids)
        return Explanation(option_id, value, False, choices, tuple(rule_ids), messages)

    def repair(self, selections: Selection, option_id: str, value: Any) -> Repair:
        """The smallest set of earlier choices to drop so that the value becomes possible."""
        with self._lock:
            _, target, guards = self._question(selections, option_id, value)
            drop = self.sat.correction(list(guards), [target, *self.sat.all_rules])
        if drop is None:
            return Repair(option_id, value, False)
        return Repair(option_id, value, True, tuple(sorted(guards[g] for g in drop)))


def _rule_ids(sat: SatModel, selectors: list[int]) -> list[str]:
    by_literal = {lit: rule for rule, lit in sat.selectors.items()}
    return [by_literal[lit] for lit in selectors if lit in by_literal]


class TableIndex:
    """Explanations by look-ups in one table: the shopper's choices that, with that one rule, allow no row with
    the value in question. Minimal by construction (each choice kept is needed, and the rule alone allows the
    value); no solver call. Conflicts that need several rules are left to the solver. Each table's rows with a
    given value in a given column are kept as a bitset (a Python int), so a look-up is a few ANDs."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self._by_var: dict[int, list[tuple[int, int]]] = {}
        self._rows: list[list[dict[int, int]]] = []  # per table, per column: value index -> bitset of rows
        for t, table in enumerate(model.tables):
            for column, var in enumerate(table.scope):
                self._by_var.setdefault(var, []).append((t, column))
            self._rows.append([_bitsets(table.rows[:, c]) for c in range(len(table.scope))])

    def direct(
        self, fixed: Mapping[int, int], var: int, index: int, memo: dict[tuple[int, int], int] | None = None
    ) -> tuple[tuple[int, ...], str] | None:
        """The fixed variables and the rule that rule `var = index` out between them alone, or None.

        `memo` keeps, per table and column, the rows that every other fixed value allows, for the next look-up
        against the same `fixed` (a page's look-ups share one).
        """
        memo = {} if memo is None else memo
        for table_index, column in self._by_var.get(var, ()):
            table, rows = self.model.tables[table_index], self._rows[table_index]
            with_value = rows[column].get(index, 0)
            if not with_value:
                continue  # the rule forbids the value outright: not a conflict with a choice
            allowed = memo.get((table_index, column))
            if allowed is None:
                chosen = [rows[c].get(fixed[v], 0) for c, v in enumerate(table.scope) if v != var and v in fixed]
                allowed = memo[table_index, column] = functools.reduce(operator.and_, chosen, -1) if chosen else -1
            if with_value & allowed:
                continue  # some row has the value and every other choice (or no other choice is in the rule)
            columns = [c for c, v in enumerate(table.scope) if v != var and v in fixed]
            chosen = [rows[c].get(fixed[table.scope[c]], 0) for c in columns]
            needed = list(range(len(chosen)))
            for item in list(needed):  # keep only the choices this rule needs to rule the value out
                fewer = [other for other in needed if other != item]
                if not _allows(with_value, [chosen[i] for i in fewer]):
                    needed = fewer
            return tuple(table.scope[columns[i]] for i in needed), table.rule_id
        return None


def _bitsets(column: Array) -> dict[int, int]:
    """For each value in a table column, the set of rows holding it, as the bits of an int."""
    out = {}
    for value in np.unique(column).tolist():
        packed = np.packbits(column == value, bitorder="little")
        out[int(value)] = int.from_bytes(packed.tobytes(), "little")
    return out


def _allows(with_value: int, chosen: list[int]) -> bool:
    rows = with_value
    for bits in chosen:
        rows &= bits
        if not rows:
            return False
    return True
