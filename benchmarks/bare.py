"""The HTTP benchmark's baseline: a bare FastAPI endpoint returning a constant JSON body."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.post("/api/v1/products/{product_id}/price")
async def constant(product_id: str) -> dict[str, str]:
    """No work beyond routing: a constant body."""
    return {"currency": "EUR", "total": "995.00"}
