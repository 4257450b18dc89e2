"""What a blocked value was reached for with (the choices, the rules in its way), and shoppers' requests for a
combination the catalog does not offer, with the merchandiser's answer (issue 25).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the signal's selection and rules, and the request table."""
    with op.batch_alter_table("signal") as table:
        table.add_column(sa.Column("selection", sa.Text(), nullable=True))
        table.add_column(sa.Column("rules", sa.String(400), nullable=True))
    # A version's latest completion (the order history's stamp) and its blocked values, by an index alone.
    op.create_index("ix_signal_product_kind", "signal", ["product_id", "catalog_version", "kind", "id"])
    op.create_table(
        "demand_request",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("product_id", sa.String(200), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("option", sa.String(200), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("rules", sa.String(400), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(16), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("form_nonce", sa.String(32), nullable=True, unique=True),
    )
    op.create_index("ix_demand_request_product", "demand_request", ["product_id", "created_at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("demand_request")
    op.drop_index("ix_signal_product_kind", "signal")
    with op.batch_alter_table("signal") as table:
        table.drop_column("rules")
        table.drop_column("selection")
