"""Signed configurations in the API (issue 26): a priced configuration signed for a cart to carry, and the public
keys that verify it (`/.well-known/jwks.json`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from catalog.loader import LoadedProduct
from catalog.wording import _, speaking
from configurator.api.body import ExactJSONRoute
from configurator.api.problems import ERRORS
from configurator.api.schemas import PriceRequest
from configurator.deps import LANGUAGE_QUERY, ProductDep, answer_language, interface_language, said_in
from configurator.services.catalogs import engine_of
from configurator.services.languages import named_market
from configurator.services.prices import PriceOut, price_out
from configurator.services.refusals import Refused
from configurator.services.signing import Signer
from rules.pricing import price_selection
from rules.selection import plain

router = APIRouter(responses=ERRORS, route_class=ExactJSONRoute, dependencies=[Depends(interface_language)],
                   tags=["signed configurations"])


def signer(request: Request) -> Signer:
    """The app's signer."""
    found: Signer = request.app.state.signer
    return found


SignerDep = Annotated[Signer, Depends(signer)]


class SignedOut(BaseModel):
    """A priced configuration, signed: a cart carries `token` and verifies it with the published keys."""

    token: str = Field(description="A compact JWS (JWT, ES256) of the claims below; verify it with "
                                   "/.well-known/jwks.json.")
    expires_at: datetime
    claims: dict[str, Any] = Field(description="What was signed: product, version, selections, quantity, "
                                               "price_list, total, currency, variant, iat, exp.")
    price: PriceOut


@router.post("/api/v1/products/{product_id}/sign", response_model=SignedOut)
def sign_configuration(loaded: ProductDep, body: PriceRequest, signer: SignerDep, request: Request,
                       lang: Annotated[str | None, LANGUAGE_QUERY] = None) -> Response:
    """Price a complete configuration and sign what was priced, for a cart or a checkout to verify offline and for
    `POST /api/v1/quotes` to take back (`{"signed": token}`); the client's own prices, if any, are ignored."""
    chosen = answer_language(request, loaded.languages(), lang)
    with speaking(chosen):
        signed = _signed(loaded, body, signer)
    return JSONResponse(signed.model_dump(mode="json"), headers=said_in(chosen))


def _signed(loaded: LoadedProduct, body: PriceRequest, signer: Signer) -> SignedOut:
    _market, price_list = named_market(loaded.product, body.market, body.price_list)
    priced = price_selection(engine_of(loaded), body.selections, body.quantity, price_list)
    if priced.price is None:
        raise Refused(_("Cannot price this selection"), priced.violations)
    price = priced.price
    claims = {"product": loaded.product.id, "version": loaded.version,
              "selections": {k: plain(v) for k, v in body.selections.items()}, "quantity": price.quantity,
              "price_list": price.price_list, "total": str(price.total), "currency": price.currency,
              "variant": priced.variant}
    made = signer.sign(claims)
    return SignedOut(token=made.token, expires_at=made.expires_at, claims=signer.verify(made.token),
                     price=price_out(price, variant=priced.variant))


@router.get("/.well-known/jwks.json")
def published_keys(signer: SignerDep) -> Response:
    """The public keys that verify signed configurations (JWKS, RFC 7517): keys rotated out stay listed while a
    token they signed may still be alive."""
    return JSONResponse(signer.jwks(), headers={"Cache-Control": "public, max-age=300"})
