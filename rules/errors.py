"""Errors of the rules engine, in the hierarchy rooted at catalog.errors.ConfiguratorError."""

from __future__ import annotations

from catalog.errors import ConfiguratorError


class RuleError(ConfiguratorError):
    """A rule that cannot be compiled (too large, or using something the engine cannot represent)."""

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(f"rule '{rule_id}': {message}")
        self.rule_id = rule_id
        self.message = message


class EngineLimitError(ConfiguratorError):
    """An operation this model is too large for (such as exact counting without a compiled tree)."""


class CountTimeoutError(EngineLimitError):
    """An exact count the counter did not finish within the time it was given."""

    def __init__(self, seconds: float, clauses: int) -> None:
        super().__init__(
            f"no exact count within {seconds:g} s: the exact model counter did not finish on this model's "
            f"{clauses:,} clauses (a longer --timeout may let it)"
        )
        self.seconds = seconds
        self.clauses = clauses


class PriceRangeError(ConfiguratorError):
    """A configuration whose price the catalog's rules put beyond what is priced exactly (a runaway formula)."""


class TimeBudgetError(EngineLimitError):
    """An operation that did not finish within the time a request may take on it."""

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(f"{operation} did not finish within {seconds:g} s: this model is too large for it in the "
                         "time one request may take")
        self.operation = operation
        self.seconds = seconds


class SolverBudgetError(EngineLimitError):
    """A solver call that needed more conflicts than any configuration model does: rules too hard to serve."""

    def __init__(self, conflicts: int) -> None:
        super().__init__(f"a solver call needed more than {conflicts:,} conflicts: these rules are too hard for "
                         "the engine to answer in the time a shopper waits")
        self.conflicts = conflicts
