"""The calendar signal a PostgreSQL database may register.

One row (id 1) with the registered file's path and token, both empty: nothing
is registered until ``booking calendar-signal register`` says so.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    signal = op.create_table(
        "calendar_signal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("token", sa.BigInteger(), nullable=True),
    )
    op.bulk_insert(signal, [{"id": 1, "path": None, "token": None}])


def downgrade() -> None:
    op.drop_table("calendar_signal")
