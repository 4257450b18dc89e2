"""The JSON Schema of catalog files, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from catalog.schema import SCHEMA_VERSION, Product

SCHEMA_FILE = Path(__file__).parent / "product.schema.json"


def product_schema() -> dict[str, Any]:
    """The JSON Schema of one product file."""
    schema = Product.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://configurator.invalid/schema/product-v{SCHEMA_VERSION}.json"
    schema["title"] = "Configurator product catalog file"
    return schema


def schema_text() -> str:
    """The schema as stable, pretty-printed JSON text."""
    return json.dumps(product_schema(), indent=2, sort_keys=True) + "\n"
