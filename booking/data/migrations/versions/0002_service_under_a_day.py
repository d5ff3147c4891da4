"""A service holds its room and expert for under a day: duration plus set-up buffer.

The SQLite no-overlap guard looks one day back for appointments that may
overlap a new one; this keeps that look-back long enough.  SQLite cannot add
a constraint to a table, so there the table is rebuilt (batch mode).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.create_check_constraint(
            "service_holds_under_a_day", "duration_minutes + buffer_minutes < 1440"
        )


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_constraint("service_holds_under_a_day", type_="check")
