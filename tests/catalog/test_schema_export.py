"""The committed JSON Schema is current and accepts every bundled catalog."""

from __future__ import annotations

import json

import jsonschema
import pytest

from catalog.document import parse_document
from catalog.schema_export import SCHEMA_FILE, schema_text
from tests.conftest import BUNDLED


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), "run `make schema` and commit catalog/product.schema.json"


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_catalogs_match_the_json_schema(path: object) -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    data = parse_document(path.read_text(), str(path)).data  # type: ignore[attr-defined]
    jsonschema.Draft202012Validator(schema).validate(json.loads(json.dumps(data, default=str)))
