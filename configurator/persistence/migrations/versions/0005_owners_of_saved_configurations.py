"""Who may read and change a saved configuration: the API key that made it, or the holder of its secret link.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add saved_configuration.api_key_id and saved_configuration.edit_hash."""
    with op.batch_alter_table("saved_configuration") as batch:
        batch.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("edit_hash", sa.String(64), nullable=True))
        batch.create_foreign_key("fk_saved_configuration_api_key", "api_key", ["api_key_id"], ["id"])


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("saved_configuration") as batch:
        batch.drop_constraint("fk_saved_configuration_api_key", type_="foreignkey")
        batch.drop_column("edit_hash")
        batch.drop_column("api_key_id")
