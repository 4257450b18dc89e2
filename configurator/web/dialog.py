"""The "help me choose" dialog page (the collaborative face): the product's questions, each answer offered only
where it leaves a valid product (else disabled, with the reason); the answers then make the choices the shopper
refines in the normal form, and travel with it, to be changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from catalog.wording import _
from configurator.deps import ProductDep
from configurator.services.catalogs import engine_of
from configurator.views.form import answers_from_fields, fields_of, query_of, selection_from_fields
from configurator.web.render import MAX_FORM_FIELDS, render
from rules.dialog import answer_states, answers_of, apply_answers
from rules.engine import Engine

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class AnswerView:
    """One answer as offered."""

    id: str
    label: str
    description: str
    chosen: bool
    possible: bool
    reason: str


@dataclass(frozen=True)
class QuestionView:
    """One question, as a fieldset of radio buttons."""

    id: str
    text: str
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class DialogView:
    """The dialog page."""

    product_id: str
    product_name: str
    questions: tuple[QuestionView, ...]
    choices: tuple[tuple[str, str], ...]  # the shopper's choices so far, as hidden fields
    messages: tuple[str, ...] = ()


def dialog_view(
    engine: Engine, selection: dict[str, Any], given: dict[str, str], messages: tuple[str, ...] = ()
) -> DialogView:
    """The questions with every answer's state, for the choices made and the answers given."""
    product = engine.model.product
    states = {(s.question, s.answer): s for s in answer_states(engine, selection, answers_of(product, given))}
    questions = tuple(
        QuestionView(q.id, q.text, tuple(
            AnswerView(a.id, a.label, a.description, states[q.id, a.id].chosen, states[q.id, a.id].possible,
                       states[q.id, a.id].reason)
            for a in q.answers
        ))
        for q in product.questions
    )
    return DialogView(product.id, product.name, questions, tuple(fields_of(selection)), messages)


@router.get("/products/{product_id}/help", response_class=HTMLResponse)
async def dialog_page(request: Request, loaded: ProductDep) -> Response:
    """The questions (under htmx, only the dialog again after each answer); `show` goes to the product page with
    the choices the answers make, the answers kept."""
    fields = request.query_params.multi_items()[:MAX_FORM_FIELDS]
    selection = selection_from_fields(loaded.product, fields)
    given = {q: a.id for q, a in answers_of(loaded.product, answers_from_fields(fields)).items()}
    engine = engine_of(loaded)
    if request.query_params.get("show"):
        made = await run_in_threadpool(apply_answers, engine, selection, answers_of(loaded.product, given))
        if made is not None:
            return RedirectResponse(f"/products/{loaded.product.id}?{query_of(made, None, given)}", status_code=303)
        messages: tuple[str, ...] = (_("These answers leave no product: change one of them."),)
    else:
        messages = ()
    view = await run_in_threadpool(dialog_view, engine, selection, given, messages)
    return render(request, "pages/help.html", ["dialog"], {"view": view})
