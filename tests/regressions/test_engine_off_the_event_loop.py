"""Regression: `POST /price` was an async route that could call the SAT solver on the event loop, so one slow model
blocked every other request. Engine work now runs on worker threads: checked on every route that prices or
configures, by recording where the engine is called from."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import rules.engine
from configurator.app import create_app
from tests.conftest import COMPLETE_BIKE

CALLS = [
    ("/api/v1/products/city-bike/price", {"selections": COMPLETE_BIKE}),
    ("/api/v1/products/city-bike/price/batch", {"items": [{"selections": COMPLETE_BIKE}]}),
    ("/api/v1/products/city-bike/configure", {"selections": {"gears": "hub8"}}),
    ("/api/v1/products/city-bike/complete", {"selections": {"gears": "hub8"}}),
]


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def loop_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    seen: list[bool] = []
    original = rules.engine.parse_selection

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(_on_event_loop())
        return original(*args, **kwargs)

    monkeypatch.setattr(rules.engine, "parse_selection", spy)
    yield seen


@pytest.mark.parametrize(("url", "body"), CALLS)
def test_engine_work_never_runs_on_the_event_loop(loop_calls: list[bool], url: str, body: dict[str, Any]) -> None:
    client = TestClient(create_app(database_url="sqlite://"))
    assert client.post(url, json=body).status_code == 200
    assert loop_calls and not any(loop_calls)
