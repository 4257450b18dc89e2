"""Initial schema: saved configurations, quotes, API keys, customer profiles.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, index=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "saved_configuration",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("product_id", sa.String(200), nullable=False, index=True),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("selections", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "quote",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("product_id", sa.String(200), nullable=False, index=True),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("selections", sa.JSON(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.String(64), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_key.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "customer_profile",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop the tables."""
    for table in ("customer_profile", "quote", "saved_configuration", "api_key"):
        op.drop_table(table)
