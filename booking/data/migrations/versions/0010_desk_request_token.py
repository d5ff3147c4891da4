"""The desk's booking form token: a second submission of one form finds its booking.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("request_token", sa.String(36), nullable=True))
    op.create_index("ix_appointment_request_token", "appointment", ["request_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_appointment_request_token", table_name="appointment")
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("request_token")
