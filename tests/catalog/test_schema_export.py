"""The committed JSON Schemas are current and accept every bundled catalog file and translation."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from catalog.document import parse_document
from catalog.schema_export import SCHEMA_FILE, TRANSLATION_SCHEMA_FILE, schema_text
from catalog.translations import companion_language
from tests.conftest import BUNDLED


@pytest.mark.parametrize(("file", "translation"), [(SCHEMA_FILE, False), (TRANSLATION_SCHEMA_FILE, True)])
def test_committed_schema_is_current(file: Path, translation: bool) -> None:
    assert file.read_text() == schema_text(translation), f"run `make schema` and commit {file.name}"


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_catalogs_match_the_json_schema(path: Path) -> None:
    file = TRANSLATION_SCHEMA_FILE if companion_language(path) else SCHEMA_FILE
    data = parse_document(path.read_text(), str(path)).data
    jsonschema.Draft202012Validator(json.loads(file.read_text())).validate(json.loads(json.dumps(data, default=str)))
