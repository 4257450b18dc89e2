"""Schemathesis against the app's own OpenAPI document, every check on: no 5xx, no undocumented status, every
response (errors included, as problem+json) matches the schema.

Any JSON object is a schema-valid selection, and most are rightly refused with 422 (unknown options, impossible
combinations) or 404 (a product not on sale), as documented: `schemathesis.toml` lists those as accepted answers
to valid data.
"""

from __future__ import annotations

import sys

import schemathesis
from hypothesis import HealthCheck, settings

from configurator.app import create_app

# Schemathesis builds its coverage cases at collection, recursing through the request schemas; once in a CI run it
# came near Python's default limit of 1,000 frames there, and Hypothesis, describing the draw, failed in `ast`
# ("AST constructor recursion depth mismatch"): a collection error that stopped the whole suite. Room to recurse.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
APP = create_app(database_url="sqlite://")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
