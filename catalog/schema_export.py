"""The JSON Schemas of catalog files (products, and the companion files that translate them), generated from
the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from catalog.schema import SCHEMA_VERSION, Product
from catalog.translations import Translation

SCHEMA_FILE = Path(__file__).parent / "product.schema.json"
TRANSLATION_SCHEMA_FILE = Path(__file__).parent / "translation.schema.json"


def product_schema() -> dict[str, Any]:
    """The JSON Schema of one product file."""
    return _schema(Product, "product", "Configurator product catalog file")


def translation_schema() -> dict[str, Any]:
    """The JSON Schema of one companion file (a product's words in one language)."""
    return _schema(Translation, "translation", "Configurator translation file (a product's words in one language)")


def _schema(model: type[BaseModel], name: str, title: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://configurator.invalid/schema/{name}-v{SCHEMA_VERSION}.json"
    schema["title"] = title
    return schema


def schema_text(translation: bool = False) -> str:
    """The schema (of product files, or of translation files) as stable, pretty-printed JSON text."""
    return json.dumps(translation_schema() if translation else product_schema(), indent=2, sort_keys=True) + "\n"
