"""What shoppers do in the shop, per product version, without personal data (issue 25).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the signal table."""
    op.create_table(
        "signal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.String(200), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("session", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("option", sa.String(200), nullable=True),
        sa.Column("value", sa.String(200), nullable=True),
        sa.Column("step", sa.String(200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_signal_at", "signal", ["at"])
    op.create_index("ix_signal_product_version", "signal", ["product_id", "catalog_version", "at"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("signal")
