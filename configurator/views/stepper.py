"""The product's steps as a stepper: which step is current, which are done, the step before and after it, and the
review of every choice with the quantity and the total. Built from the page's own view, so the stepper says what
the page says."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.display import NOTHING
from catalog.wording import _
from configurator.views.product import OptionView, ProductView

REVIEW = "review"  # the step after the product's own: every choice at once


@dataclass(frozen=True)
class StepLink:
    """A step in the stepper."""

    id: str
    label: str
    number: int
    done: bool  # every option in it that needs a value has one
    current: bool


@dataclass(frozen=True)
class ReviewLine:
    """One choice in the review, with the step to edit it in."""

    option: str
    step: str
    label: str
    words: str


@dataclass(frozen=True)
class Stepper:
    """Where the shopper is among the steps."""

    steps: tuple[StepLink, ...]
    current: str  # a step id, or REVIEW
    paged: bool  # one step at a time on any screen (a large product); phones always show one step at a time
    review: tuple[ReviewLine, ...]
    back: StepLink | None
    next: StepLink | None

    @property
    def reviewing(self) -> bool:
        """Whether the review is the current step."""
        return self.current == REVIEW


def stepper_of(view: ProductView, asked: str) -> Stepper:
    """The stepper of a product page, on the step `asked` (the first where it is none of them)."""
    ids = [step.id for step in view.steps]
    current = asked if asked in ids or asked == REVIEW else (ids[0] if ids else REVIEW)
    links = tuple(
        StepLink(step.id, step.label, n, all(_done(o) for o in step.options), step.id == current)
        for n, step in enumerate(view.steps, start=1)
    )
    at = len(links) if current == REVIEW else ids.index(current)
    back = links[at - 1] if at > 0 else None
    ahead = links[at + 1] if at + 1 < len(links) else None
    if current != REVIEW and ahead is None:
        ahead = StepLink(REVIEW, _("Review"), len(links) + 1, view.complete, False)
    review = tuple(ReviewLine(o.id, step.id, o.label, _words(o)) for step in view.steps for o in step.options)
    return Stepper(links, current, view.large, review, back, ahead)


def _done(option: OptionView) -> bool:
    return bool(option.decided) or not option.required


def _words(option: OptionView) -> str:
    """The option's value as the page shows it: the chosen values' labels with what they add, or the number
    with its unit, or the text."""
    if option.values:
        chosen = [f"{v.label} ({v.delta})" if v.delta else v.label for v in option.values if v.selected]
        return ", ".join(chosen) or _(NOTHING)
    if not option.value:
        return _(NOTHING)
    return f"{option.value} {option.unit}" if option.unit else option.value
