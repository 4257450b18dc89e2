"""Why a value the shop shows is unavailable: the engine's minimal explanation within a page's budget, else the
choices in its way."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from catalog.kinds import choice_words, traits
from catalog.schema import AnyOption
from catalog.wording import N_, _
from rules.engine import Engine, Obstacles
from rules.selection import Parsed, Selection, without

REASON_BUDGET_SECONDS = 0.005
UNEXPLAINED = N_("Not possible with your current choices.")


class Reasons:
    """Why unavailable values are unavailable, for one page: the engine's minimal explanations (the choices and
    rules that rule a value out) within a budget (None: no limit), else the choices in the way (its repair)."""

    def __init__(
        self,
        engine: Engine,
        kept: Selection,
        obstacles: Obstacles,
        budget: float | None,
        focus: tuple[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.kept = engine.parse(kept)
        self.obstacles = obstacles
        self.labels = {o.id: o.label or o.id for o in engine.model.options.values()}
        self.deadline = None if budget is None else time.monotonic() + budget
        self.focus = focus
        self.look_up = engine.advisor.lookups(self.kept)
        self.values = self.kept.values  # catalog values: a yes is True
        self._rests: dict[str, Parsed] = {}  # per option, the other choices (an option has many values)

    def of(self, option: AnyOption, value_id: str) -> tuple[str, bool]:
        """The reason in the rules' own words, with the shopper's choices that rule it out; and whether it is
        that full explanation (False: only the choices to change, the budget being spent)."""
        value: Any = value_id == "true" if traits(option).expression == "bool" else value_id
        why = self.look_up(option.id, value)
        if why is None:
            rest = self._rests.get(option.id)
            if rest is None:
                rest = self._rests[option.id] = without(self.engine.model, self.kept, option.id)
            why = self.engine.advisor.remembered(rest, option.id, value)
            if why is None:
                if not self._fits() and (option.id, value_id) != self.focus:
                    return self._to_change(option.id, value), False
                why = self.engine.advisor.explain(rest, option.id, value)
        return why.words(self.engine.model.options), True

    def _fits(self) -> bool:
        """Whether a solver explanation is expected to end within the budget."""
        typical = self.engine.advisor.explainer.typical_seconds
        return self.deadline is None or time.monotonic() + typical <= self.deadline

    def _to_change(self, option_id: str, value: Any) -> str:
        """What would have to change for the value: its repair, from the obstacles (where the engine has them)."""
        in_the_way = self.obstacles.blocking.get((option_id, value))
        if not in_the_way:
            return _(UNEXPLAINED)
        return _("Only if you change %(choices)s.") % {
            "choices": self._phrase((name, self.values[name]) for name in in_the_way)}

    def _phrase(self, choices: Iterable[tuple[str, Any]]) -> str:
        options = self.engine.model.options
        return ", ".join(choice_words(options.get(name), value, name) for name, value in choices)
