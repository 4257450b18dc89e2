"""Profiles belong to the key that made them (none: the shop's own); quotes record the profile, what it inferred,
and the saved configuration that is their settings card.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add customer_profile.api_key_id, quote.profile_id, quote.inferred and quote.settings_id."""
    with op.batch_alter_table("customer_profile") as batch:
        batch.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_customer_profile_api_key", "api_key", ["api_key_id"], ["id"])
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("profile_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("inferred", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("settings_id", sa.String(32), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("quote") as batch:
        batch.drop_column("settings_id")
        batch.drop_column("inferred")
        batch.drop_column("profile_id")
    with op.batch_alter_table("customer_profile") as batch:
        batch.drop_constraint("fk_customer_profile_api_key", type_="foreignkey")
        batch.drop_column("api_key_id")
