"""The region's short-day rules as data: the ``short_day_settings`` row.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "short_day_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.Column("days", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("short_day_settings")
