"""What routes are given (FastAPI dependencies, as `Annotated` types): the catalog on sale, a product and its
engine, the database (services open their own short sessions on it), the order histories, the rate buckets, the
caller's API key and the shop's context.

Routes name what they need in their signature; nothing else reads `request.app.state` (but the CSRF check,
for the server's secret). Cheap look-ups are `async` so that FastAPI runs them on the event loop, not on a worker
thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request, Response, Security
from fastapi.security import APIKeyHeader
from sqlalchemy import Engine as Database
from sqlmodel import Session

from catalog.loader import Catalog, LoadedProduct
from catalog.schema import Market
from catalog.wording import INTERFACE_LANGUAGES, _, speaking
from configurator.limits import Buckets
from configurator.persistence.db import ApiKey, find_api_key
from configurator.services.catalogs import ServedCatalog, engine_of, product_of
from configurator.services.languages import LANGUAGE_COOKIE, MARKET_COOKIE, chosen_language, market_of
from configurator.services.order_history import OrderHistories
from configurator.services.origins import check_origin
from configurator.services.profiles import PROFILE_COOKIE
from configurator.services.refusals import KeyRequired, NotPermitted
from configurator.services.signals import Recorder
from rules.engine import Engine


def secret(request: Request) -> bytes:
    """The server's secret, shared by every process (signs the shop's CSRF tokens)."""
    found: str = request.app.state.secret
    return found.encode()


async def served(request: Request) -> ServedCatalog:
    """The catalog on sale, as the reloader swaps it."""
    found: ServedCatalog = request.app.state.served
    return found


async def catalog(request: Request) -> Catalog:
    """The catalog on sale now (a request keeps the one it started with)."""
    return (await served(request)).catalog


CatalogDep = Annotated[Catalog, Depends(catalog)]


async def product(request: Request, product_id: str) -> LoadedProduct:
    """The product of the path's `product_id` as loaded, or Missing (one dependency, not a chain: it is on the
    storefronts' hot path)."""
    return product_of((await served(request)).catalog, product_id)


ProductDep = Annotated[LoadedProduct, Depends(product)]


LANGUAGE_QUERY = Query(
    alias="lang", description="The language of the product's words (one the product offers); without it, "
    "the best the Accept-Language header asks for, else the product's own. The answer's Content-Language says "
    "which. Ids, prices and versions are the same in every language.",
)


def answer_language(request: Request, offered: Sequence[str], lang: str | None) -> str:
    """The language an API answer gives its words in (`lang`, else the best Accept-Language asks for, else the
    first offered), kept on the request for the error handlers."""
    chosen = chosen_language(offered, lang, request.headers.get("accept-language"))
    request.state.language = chosen
    return chosen


def said_in(language: str) -> dict[str, str]:
    """The headers of an answer in `language`."""
    return {"Content-Language": language, "Vary": "Accept-Language"}


async def language(
    request: Request, response: Response, loaded: ProductDep, lang: Annotated[str | None, LANGUAGE_QUERY] = None
) -> AsyncIterator[str]:
    """The language the product's words are given in, said in the answer's Content-Language; the request speaks
    it (messages made in code, too)."""
    chosen = answer_language(request, loaded.languages(), lang)
    response.headers.update(said_in(chosen))
    with speaking(chosen):
        yield chosen


LanguageDep = Annotated[str, Depends(language)]


async def interface_language(request: Request, response: Response) -> AsyncIterator[str]:
    """The language of an API answer that is not about one product's words (a request's checks, a quote's
    problems): the interface's best match for `lang` or Accept-Language. A route that knows its product chooses
    again among that product's languages."""
    chosen = answer_language(request, INTERFACE_LANGUAGES, request.query_params.get("lang"))
    response.headers.update(said_in(chosen))
    with speaking(chosen):
        yield chosen


async def shop_language(request: Request) -> AsyncIterator[str]:
    """The language a shop page speaks (`shop_language_of`, for the page's product where its path names one)."""
    product_id = request.path_params.get("product_id")
    found = (await served(request)).catalog.products.get(product_id) if isinstance(product_id, str) else None
    chosen = shop_language_of(request, found)
    with speaking(chosen):
        yield chosen


def shop_language_of(request: Request, found: LoadedProduct | None) -> str:
    """The language a shop page speaks: the one asked for (`?lang=`, else the cookie a choice left), else the best
    the browser's Accept-Language asks for, else the product's own; among the languages the page's product is
    offered in (on a page without a product, the interface's). Kept on the request for the error pages too, with
    the market the shopper buys in (`market_of`). A page that finds its product later (a saved link) asks again."""
    offered = list(INTERFACE_LANGUAGES) if found is None else found.languages()
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    chosen = chosen_language(offered, asked, request.headers.get("accept-language"))
    request.state.language = chosen
    request.state.languages = tuple(offered)
    request.state.markets = () if found is None else tuple(found.in_language(chosen).markets)
    wanted = request.query_params.get("market") or request.cookies.get(MARKET_COOKIE)
    request.state.market = market_of(request.state.markets, wanted, chosen, request.headers.get("accept-language"))
    return chosen


def engine(loaded: ProductDep, spoken: LanguageDep) -> Engine:
    """The product's engine in the language asked for (compiled and prepared when the catalog was loaded; on a
    worker thread, should it have to compile again)."""
    return engine_of(loaded, spoken)


EngineDep = Annotated[Engine, Depends(engine)]


async def database(request: Request) -> Database:
    """The database the app stores in."""
    found: Database = request.app.state.db
    return found


DatabaseDep = Annotated[Database, Depends(database)]


async def histories(request: Request) -> OrderHistories:
    """Each product version's order history (recommendations)."""
    found: OrderHistories = request.app.state.histories
    return found


HistoriesDep = Annotated[OrderHistories, Depends(histories)]


async def buckets(request: Request) -> Buckets:
    """The rate buckets and the limits they keep."""
    found: Buckets = request.app.state.buckets
    return found


BucketsDep = Annotated[Buckets, Depends(buckets)]

API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="A storefront's key (`configurator apikey "
                       "create NAME`); what it makes is readable and changeable with it alone.")


def _found_key(request: Request, the_database: Database, x_api_key: str | None) -> ApiKey:
    """The caller's API key, or 401; 403 where a browser uses it from an origin it does not list."""
    with Session(the_database) as db:
        found = find_api_key(db, x_api_key) if x_api_key else None
    if found is None or found.id is None:
        raise KeyRequired("a valid X-API-Key header is required")
    check_origin(found, request.headers.get("origin"), f"{request.url.scheme}://{request.url.netloc}")
    return found


def api_key(request: Request, the_database: DatabaseDep,
            x_api_key: Annotated[str | None, Security(API_KEY)] = None) -> int:
    """The id of the caller's API key, or 401 (looked up in its own short read transaction)."""
    found = _found_key(request, the_database, x_api_key)
    assert found.id is not None
    return found.id


KeyId = Annotated[int, Depends(api_key)]


def secret_api_key(request: Request, the_database: DatabaseDep,
                   x_api_key: Annotated[str | None, Security(API_KEY)] = None) -> int:
    """The id of the caller's API key where it may read what is stored (not a publishable key: 403)."""
    found = _found_key(request, the_database, x_api_key)
    if found.publishable or found.id is None:
        raise NotPermitted(_("A publishable key configures, prices and quotes; it reads nothing stored."))
    return found.id


SecretKeyId = Annotated[int, Depends(secret_api_key)]


def optional_api_key(
    request: Request, the_database: DatabaseDep, x_api_key: Annotated[str | None, Security(API_KEY)] = None
) -> int | None:
    """The caller's API key id where one is sent (401 if it is not valid; 403 if publishable), else None."""
    return None if x_api_key is None else secret_api_key(request, the_database, x_api_key)


OptionalKeyId = Annotated[int | None, Depends(optional_api_key)]


@dataclass(frozen=True)
class Shop:
    """What the shop's pages take from the app and the visitor: the database, the order histories, and the
    visitor's profile id (from its cookie)."""

    database: Database
    histories: OrderHistories
    profile_id: str | None
    suggest_from: int = 5  # how many alike customers a suggestion from the order history needs
    market: Market | None = None  # where the shopper buys, where the product names markets: its price list
    signals: Recorder | None = None  # what shoppers do, for the merchandiser (None: not recorded)

    @property
    def price_list(self) -> str | None:
        """The price list the page prices by (None: the product's own)."""
        return None if self.market is None else self.market.price_list


async def shop(request: Request, the_database: DatabaseDep, the_histories: HistoriesDep) -> Shop:
    """The shop's context for one page (its market, as the page's language dependency found it)."""
    return Shop(the_database, the_histories, request.cookies.get(PROFILE_COOKIE), request.app.state.suggest_from,
                getattr(request.state, "market", None), getattr(request.app.state, "signals", None))


ShopDep = Annotated[Shop, Depends(shop)]
