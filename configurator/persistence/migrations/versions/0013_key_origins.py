"""The browser origins an API key may be used from, and publishable (browser) keys (issue 26).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the key's origins and whether it is publishable."""
    with op.batch_alter_table("api_key") as table:
        table.add_column(sa.Column("origins", sa.Text(), nullable=True))
        table.add_column(sa.Column("publishable", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("api_key") as table:
        table.drop_column("publishable")
        table.drop_column("origins")
