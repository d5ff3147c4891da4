"""What a change of the region's calendar did to an appointment.

``cancel_cause`` says why such a change cancelled it (the citizen's message
says so in her language); ``to_call`` puts a desk booking without a mobile
number on its point's list of citizens to phone.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, also on SQLite: a batch rebuild would drop the appointment
    # table's no-overlap triggers.
    op.add_column("appointment", sa.Column("cancel_cause", sa.String(length=20), nullable=True))
    op.add_column(
        "appointment",
        sa.Column("to_call", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("to_call")
        batch.drop_column("cancel_cause")
