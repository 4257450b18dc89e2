"""JSON API routes: thin (parse, one domain call, render)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from catalog.errors import ConfiguratorError
from catalog.instances import flat_selection, nested_selection, shown_options
from catalog.kinds import choice_words
from catalog.loader import LoadedProduct
from catalog.schema import ABSENT, Product
from catalog.wording import _, speaking
from configurator.api.body import ExactJSONRoute, parse_body
from configurator.api.problems import ERRORS
from configurator.api.schemas import (
    BatchPriceRequest,
    BatchPriceResponse,
    ClassificationOut,
    CompleteResponse,
    ConfigureResponse,
    DomainOut,
    ExplainRequest,
    ExplainResponse,
    OptionFaceOut,
    PriceRequest,
    ProductSummary,
    Reason,
    RepairResponse,
    SelectionsRequest,
)
from configurator.deps import (
    LANGUAGE_QUERY,
    BucketsDep,
    CatalogDep,
    EngineDep,
    LanguageDep,
    ProductDep,
    answer_language,
    product,
    said_in,
)
from configurator.errors import domain_problem
from configurator.limits import OverBudget, charge
from configurator.services.catalogs import compiled_engine_of, engine_of
from configurator.services.languages import chosen_language, named_market
from configurator.services.prices import PriceOut, price_out
from configurator.services.refusals import Refused, violations_out
from rules.classify import Classification, classify
from rules.engine import Domains, Engine
from rules.pricing import Priced, price_selection, quick_price, shown_price
from rules.selection import misshapen, plain

router = APIRouter(prefix="/api/v1", responses=ERRORS, route_class=ExactJSONRoute)
INLINE_BODY_BYTES = 16 * 1024  # the largest /price body parsed on the event loop (some 100 microseconds at most)


def _summary(loaded: LoadedProduct, language: str = "") -> ProductSummary:
    product = loaded.in_language(language)
    found = classify(product)
    present = [face for face, share in found.profile.items() if share and face != found.face]
    return ProductSummary(
        id=product.id,
        name=product.name,
        currency=product.currency,
        base_price=str(product.base_price),
        face=found.face,
        faces=[found.face, *present],
        face_reason=found.reason,
        version=loaded.version,
        loaded_at=loaded.loaded_at.isoformat(),
    )


def classification_out(found: Classification) -> ClassificationOut:
    """A classification as API data."""
    return ClassificationOut(
        product=found.product,
        face=found.face,
        dominant=found.dominant,
        profile=dict(found.profile),
        price_profile=dict(found.price_profile),
        reasons=list(found.reasons),
        options=[OptionFaceOut(option=o.option, face=o.face, reason=o.reason) for o in found.options],
    )


def _domains(state: Domains, product: Product) -> tuple[dict[str, list[Any]], dict[str, DomainOut]]:
    """Each option's values still possible and what is chosen; a component's instance beyond its number is left
    out, and so is the value an instance takes while it is not there."""
    shown = shown_options(product, state.values)
    domains = {k: d for k, d in state.domains.items() if k in shown}
    values = {k: [plain(v) for v in d.values if v != ABSENT] for k, d in domains.items()}
    details = {
        k: DomainOut(
            values=values[k],
            excludable=list(d.excludable) if d.many else None,
            selected=plain(d.selected),
        )
        for k, d in domains.items()
    }
    return values, details


@router.get("/products", response_model=list[ProductSummary])
def list_products(
    request: Request, response: Response, catalog: CatalogDep, lang: Annotated[str | None, LANGUAGE_QUERY] = None
) -> list[ProductSummary]:
    """The products on offer, with their face of mass customization, each in the language asked for where it
    offers it (Content-Language where they all answer in one)."""
    header = request.headers.get("accept-language")
    chosen = {pid: chosen_language(loaded.languages(), lang, header) for pid, loaded in catalog.products.items()}
    if len(set(chosen.values())) == 1:
        response.headers["Content-Language"] = next(iter(chosen.values()))
    response.headers["Vary"] = "Accept-Language"
    return [_summary(loaded, chosen[pid]) for pid, loaded in catalog.products.items()]


@router.get("/products/{product_id}/classification", response_model=ClassificationOut)
def classification(loaded: ProductDep, language: LanguageDep) -> ClassificationOut:
    """The product among the four faces of mass customization, with its profile, reasons and every option's face,
    in the language asked for."""
    return classification_out(classify(loaded.in_language(language)))


@router.get("/products/{product_id}")
def product_detail(loaded: ProductDep, language: LanguageDep) -> dict[str, Any]:
    """The product with its options, values, rules and prices, for storefronts that render their own UI, in the
    language asked for (its words only: ids, values and prices are the same in every language)."""
    shown = loaded.in_language(language)
    body = shown.model_dump(mode="json", by_alias=True, exclude={"rules": {"__all__": {"rows"}}})
    summary = _summary(loaded, language).model_dump(include={"face", "faces", "face_reason"})
    return {**body, **summary, "language": language, "languages": loaded.languages()}


@router.post("/products/{product_id}/configure", response_model=ConfigureResponse)
def configure(engine: EngineDep, body: SelectionsRequest) -> ConfigureResponse:
    """Valid domains for a partial selection, with its price ('from' the cheapest completion until complete), and
    the rules it breaks in the language asked for; a value of a shape its option never takes is a 422 naming the
    option."""
    malformed = misshapen(engine.model, body.selections)
    if malformed:
        raise Refused(_("Invalid selection"), malformed)
    parsed = engine.parse(body.selections)
    state = engine.validate(parsed)
    values, details = _domains(state, engine.model.product)
    price: PriceOut | None = None
    if state.consistent:
        label, priced = shown_price(engine, parsed, state.complete)
        price = None if priced.price is None else price_out(priced.price, label, priced.variant)
    return ConfigureResponse(
        consistent=state.consistent,
        complete=state.complete,
        domains=values,
        details=details,
        violations=violations_out(state.violations),
        price=price,
    )


@router.post("/products/{product_id}/complete", response_model=CompleteResponse)
def complete(engine: EngineDep, buckets: BucketsDep, body: SelectionsRequest) -> CompleteResponse:
    """A full valid selection extending the given one, preferring defaults (422 if there is none, or if finding it
    takes longer than a request's engine time)."""
    done = engine.complete(body.selections, buckets.limits.engine_seconds)
    if done is None:
        state = engine.validate(body.selections)
        raise Refused(_("No valid configuration extends this selection"), state.violations)
    nested = nested_selection(engine.model.product, done)  # a component as its list of instances
    return CompleteResponse(selections={k: _plain(v) for k, v in nested.items()})


@router.post("/products/{product_id}/explain", response_model=ExplainResponse)
def explain(engine: EngineDep, body: ExplainRequest) -> ExplainResponse:
    """Why a value is not possible with the selection: a minimal set of the catalog's rules and the choices."""
    why = engine.advisor.explain(body.selections, body.option, body.value)
    because = [Reason(kind="rule", id=rule, message=engine.model.messages[rule]) for rule in why.rules]
    because += [
        Reason(kind="choice", id=name, message=choice_words(engine.model.options.get(name), value, name))
        for name, value in why.choices
    ]
    return ExplainResponse(possible=why.possible, because=because)


@router.post("/products/{product_id}/repair", response_model=RepairResponse)
def repair(engine: EngineDep, body: ExplainRequest) -> RepairResponse:
    """The fewest earlier choices to drop so that the value fits, and the selection with the value taken (422 if
    no selection at all can take it)."""
    fix = engine.advisor.repair(body.selections, body.option, body.value)
    if not fix.possible:
        said = choice_words(engine.model.options.get(body.option), body.value, body.option)
        raise Refused(_("No configuration has %(choice)s") % {"choice": said}, [])
    given = flat_selection(engine.model.product, body.selections)  # a component's instances by their options
    kept = {k: v for k, v in given.items() if k not in fix.drop and k != body.option}
    return RepairResponse(drop=list(fix.drop), selections={**kept, body.option: body.value})


@router.post(
    "/products/{product_id}/price",
    response_model=PriceOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": PriceRequest.model_json_schema(ref_template="#/components/schemas/{model}")
                }
            },
        }
    },
)
async def price(
    request: Request, product_id: str, lang: Annotated[str | None, LANGUAGE_QUERY] = None
) -> Response:
    """The itemized price of a complete configuration, its lines in the language asked for; the client's own
    prices, if any, are ignored."""
    # The hot path of storefronts. A small body for a compiled product is tried on the event loop, where only the
    # engine's quick check may run (linear in the selection, no solver: tens of microseconds); anything else,
    # compiling included, runs on a worker thread, so a slow model never holds the loop. The product is looked up
    # by its dependency's own function, called here: FastAPI resolving it costs this route about 5 % of its
    # throughput (docs/performance.md).
    loaded = await product(request, product_id)
    chosen = answer_language(request, loaded.languages(), lang)
    raw = await request.body()
    with speaking(chosen):  # on the worker thread too: it runs in a copy of this context
        engine = compiled_engine_of(loaded, chosen) if len(raw) <= INLINE_BODY_BYTES else None
        answer = _price_quickly(engine, loaded, raw) if engine is not None else None
        if answer is None:
            answer = await run_in_threadpool(_price_fully, loaded, raw)
    answer.headers.update(said_in(chosen))
    return answer


def _price_request(loaded: LoadedProduct, raw: bytes) -> tuple[PriceRequest, str | None]:
    """The request's body and the price list it prices by (its market's, else the one it names)."""
    body = parse_body(PriceRequest, raw)
    _market, price_list = named_market(loaded.product, body.market, body.price_list)
    return body, price_list


def _price_quickly(engine: Engine, loaded: LoadedProduct, raw: bytes) -> Response | None:
    body, price_list = _price_request(loaded, raw)
    priced = quick_price(engine, body.selections, body.quantity, price_list)
    return None if priced is None else _price_response(priced)


def _price_fully(loaded: LoadedProduct, raw: bytes) -> Response:
    body, price_list = _price_request(loaded, raw)
    return _price_response(price_selection(engine_of(loaded), body.selections, body.quantity, price_list))


def _price_response(priced: Priced) -> Response:
    return Response(_price_or_problem(priced).model_dump_json(), media_type="application/json")


def _price_or_problem(priced: Priced) -> PriceOut:
    if priced.price is None:
        raise Refused(_("Cannot price this selection"), priced.violations)
    return price_out(priced.price, variant=priced.variant)


@router.post("/products/{product_id}/price/batch", response_model=BatchPriceResponse)
def price_batch(
    request: Request, engine: EngineDep, buckets: BucketsDep, body: BatchPriceRequest
) -> BatchPriceResponse:
    """Price many configurations in one call; each result is a price or a problem. Each item counts against the
    client's rate (429 beyond it), and a batch that takes longer than its time budget is refused (422)."""
    charge(request.scope, buckets, len(body.items) - 1)
    budget = buckets.limits.engine_seconds
    deadline = time.monotonic() + budget
    results: list[PriceOut | dict[str, Any]] = []
    for done, item in enumerate(body.items):
        if time.monotonic() > deadline:
            raise OverBudget(budget, done, len(body.items))
        try:
            _market, price_list = named_market(engine.model.product, item.market, item.price_list)
            results.append(_price_or_problem(price_selection(engine, item.selections, item.quantity, price_list)))
        except ConfiguratorError as exc:  # one item's problem is that item's result, not the batch's
            results.append(domain_problem(exc))
    return BatchPriceResponse(results=results)


def _plain(value: Any) -> Any:
    """A catalog value as JSON-ready data, each instance of a component's list included."""
    if isinstance(value, list):
        return [{name: plain(inner) for name, inner in part.items()} for part in value]
    return plain(value)
