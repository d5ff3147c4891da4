"""Holds: an online booking keeps its time while the citizen types the code sent by SMS.

A held appointment counts as active, so the no-overlap guard is made again with
``held`` among the active statuses.  New columns: the hold's expiry, its code's
hash and the wrong codes typed; the citizen's moves of the day; the code an
outbox message carries until it is sent.  The availability indexes cover
``expires_at`` too, and two new indexes find lapsed holds and a number's
messages of the day.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from booking.data.enums import AppointmentStatus
from booking.data.migrations.guards import create_no_overlap_guards, drop_no_overlap_guards

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SPAN = ["starts_at", "blocked_until", "status"]
#: The active statuses before holds, for the way back.
BEFORE_HOLDS = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.DONE,
    AppointmentStatus.NO_SHOW,
)


def upgrade() -> None:
    drop_no_overlap_guards()
    op.add_column("appointment", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.add_column("appointment", sa.Column("code_hash", sa.String(length=64)))
    op.add_column(
        "appointment",
        sa.Column("code_attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("appointment", sa.Column("moves_on", sa.Date()))
    op.add_column(
        "appointment",
        sa.Column("moves_that_day", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("outbox_message", sa.Column("one_time_code", sa.String(length=12)))
    for resource in ("room", "expert"):
        name = f"ix_appointment_{resource}_start"
        op.drop_index(name, table_name="appointment")
        op.create_index(name, "appointment", [f"{resource}_id", *SPAN, "expires_at"])
    op.create_index("ix_appointment_hold_expiry", "appointment", ["status", "expires_at"])
    op.create_index("ix_outbox_to", "outbox_message", ["recipient"])
    create_no_overlap_guards()


def downgrade() -> None:
    drop_no_overlap_guards()
    # Holds were never appointments: what is left of them goes as cancelled.
    op.execute("UPDATE appointment SET status = 'cancelled' WHERE status IN ('held', 'expired')")
    op.execute("UPDATE outbox_message SET status = 'skipped' WHERE status = 'over_limit'")
    op.execute("DELETE FROM outbox_message WHERE kind = 'verification_code'")
    op.drop_index("ix_outbox_to", table_name="outbox_message")
    op.drop_index("ix_appointment_hold_expiry", table_name="appointment")
    for resource in ("room", "expert"):
        name = f"ix_appointment_{resource}_start"
        op.drop_index(name, table_name="appointment")
        op.create_index(name, "appointment", [f"{resource}_id", *SPAN])
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("one_time_code")
    with op.batch_alter_table("appointment") as batch:
        for column in ("moves_that_day", "moves_on", "code_attempts", "code_hash", "expires_at"):
            batch.drop_column(column)
    create_no_overlap_guards(BEFORE_HOLDS)
