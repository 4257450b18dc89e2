"""Shared fixtures: paths to the repository's catalogs and the shared benchmark models."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "catalog" / "products"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    """The shared real-model folder, or a skip saying why it is missing."""
    if not BENCHMARKS.is_dir():
        pytest.skip(f"real benchmark models not found at {BENCHMARKS} (clone the project beside shared/)")
    return BENCHMARKS
