"""Quotes found by product version and time: the order history recommendations are read from, and its stamp.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index quotes by product, catalog version and creation time."""
    op.create_index("ix_quote_product_version", "quote", ["product_id", "catalog_version", "created_at"])


def downgrade() -> None:
    """Drop the index again."""
    op.drop_index("ix_quote_product_version", "quote")
