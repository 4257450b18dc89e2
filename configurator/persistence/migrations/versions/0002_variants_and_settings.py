"""Variants on quotes; the history of settings adjusted in use.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add quote.variant and the settings_change table."""
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("variant", sa.String(64), nullable=True))
        batch.create_index("ix_quote_variant", ["variant"])
    op.create_table(
        "settings_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("saved_id", sa.String(32), sa.ForeignKey("saved_configuration.id"), nullable=False, index=True),
        sa.Column("option", sa.String(200), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("settings_change")
    with op.batch_alter_table("quote") as batch:
        batch.drop_index("ix_quote_variant")
        batch.drop_column("variant")
