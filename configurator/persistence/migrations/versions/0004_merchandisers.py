"""Admin keys and the merchandiser page's sessions.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add api_key.admin and the merchant_session table."""
    with op.batch_alter_table("api_key") as batch:
        batch.add_column(sa.Column("admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "merchant_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_key.id"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("merchant_session")
    with op.batch_alter_table("api_key") as batch:
        batch.drop_column("admin")
