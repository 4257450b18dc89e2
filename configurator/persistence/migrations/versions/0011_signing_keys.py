"""The keys the server signs priced configurations with (issue 26): rotatable, published as a JWKS.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the signing key table."""
    op.create_table(
        "signing_key",
        sa.Column("kid", sa.String(32), primary_key=True),
        sa.Column("private_jwk", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("signing_key")
