"""Rate-limit counters in the database, so that every worker and server counts together.

Revision ID: 0012
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index(
        "ix_rate_limit_counter_window_ends_at", "rate_limit_counter", ["window_ends_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counter_window_ends_at", table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
