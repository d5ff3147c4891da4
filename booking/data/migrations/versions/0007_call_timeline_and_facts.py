"""The call's timeline and the anonymous facts the figures are counted from.

The appointment gains the times of the call's start and end, of its outcome and
the reason of a technical failure, and the link to its fact row.  Two statuses
are new, ``in_call`` and ``technical_failure``; both hold the room, so the
no-overlap guard is made again with the longer list of active statuses.

``appointment_fact`` holds one anonymous row per appointment.  Existing
appointments get theirs here, as well as their state tells: a done call
without recorded times counts its booked length as used, and an appointment
whose personal data is already erased gets a row but no link to it.

Revision ID: 0007
Revises: 0006
"""

import math
import secrets
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from booking.data.enums import AppointmentStatus
from booking.data.migrations.guards import create_no_overlap_guards, drop_no_overlap_guards

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

HELSINKI = ZoneInfo("Europe/Helsinki")
#: The active statuses before this revision, for the way back.
EARLIER_ACTIVE = (
    AppointmentStatus.HELD,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.DONE,
    AppointmentStatus.NO_SHOW,
)
#: The columns of the figures' index: every column the counts read.
FACT_INDEX_COLUMNS = [
    "month",
    "point_id",
    "agency_id",
    "service_id",
    "lead_days",
    "municipality_id",
    "outcome",
    "channel",
    "language",
    "interpreter",
    "cancel_notice_hours",
    "booked_minutes",
    "used_minutes",
]
#: Each a partial index (month, minutes, scope) over the facts that have them.
MINUTES_COLUMNS = ("waiting_minutes", "call_minutes")


def upgrade() -> None:
    op.add_column("appointment", sa.Column("call_started_at", sa.DateTime(timezone=True)))
    op.add_column("appointment", sa.Column("call_ended_at", sa.DateTime(timezone=True)))
    op.add_column("appointment", sa.Column("outcome_at", sa.DateTime(timezone=True)))
    op.add_column("appointment", sa.Column("outcome_reason", sa.String(length=24)))
    op.add_column("appointment", sa.Column("fact_id", sa.BigInteger()))
    op.create_table(
        "appointment_fact",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("municipality_id", sa.String(length=40), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("service_id", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("interpreter", sa.Boolean(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("failure_reason", sa.String(length=24), nullable=True),
        sa.Column("cancelled_by", sa.String(length=24), nullable=True),
        sa.Column("cancel_notice_hours", sa.Integer(), nullable=True),
        sa.Column("waiting_minutes", sa.Integer(), nullable=True),
        sa.Column("call_minutes", sa.Integer(), nullable=True),
        sa.Column("booked_minutes", sa.Integer(), nullable=False),
        sa.Column("used_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appointment_fact_figures", "appointment_fact", FACT_INDEX_COLUMNS)
    for column in MINUTES_COLUMNS:
        op.create_index(
            f"ix_appointment_fact_{column}",
            "appointment_fact",
            ["month", column, "point_id", "agency_id", "municipality_id"],
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )
    facts_of_existing_appointments()
    drop_no_overlap_guards()
    create_no_overlap_guards()


def downgrade() -> None:
    drop_no_overlap_guards()
    # The earlier schema knows neither status: a call under way was an arrival,
    # and a failed one is counted as a no-show.
    op.execute("UPDATE appointment SET status = 'arrived' WHERE status = 'in_call'")
    op.execute("UPDATE appointment SET status = 'no_show' WHERE status = 'technical_failure'")
    for column in MINUTES_COLUMNS:
        op.drop_index(f"ix_appointment_fact_{column}", table_name="appointment_fact")
    op.drop_index("ix_appointment_fact_figures", table_name="appointment_fact")
    op.drop_table("appointment_fact")
    with op.batch_alter_table("appointment") as batch:
        for column in ("fact_id", "outcome_reason", "outcome_at", "call_ended_at"):
            batch.drop_column(column)
        batch.drop_column("call_started_at")
    create_no_overlap_guards(EARLIER_ACTIVE)


# --- the facts of the appointments made before ---------------------------------

appointment = sa.table(
    "appointment",
    sa.column("id", sa.Integer),
    sa.column("point_id", sa.String),
    sa.column("service_id", sa.String),
    sa.column("status", sa.String),
    sa.column("channel", sa.String),
    sa.column("language", sa.String),
    sa.column("interpreter_language", sa.String),
    sa.column("starts_at", sa.DateTime(timezone=True)),
    sa.column("ends_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("cancelled_at", sa.DateTime(timezone=True)),
    sa.column("personal_data_erased_at", sa.DateTime(timezone=True)),
    sa.column("fact_id", sa.BigInteger),
)
service_point = sa.table("service_point", sa.column("id"), sa.column("municipality_id"))
service = sa.table("service", sa.column("id"), sa.column("agency_id"))
audit_event = sa.table("audit_event", sa.column("appointment_id"), sa.column("action"))
FACT_OTHER_COLUMNS = ["id", "failure_reason", "cancelled_by", *MINUTES_COLUMNS]
fact = sa.table(
    "appointment_fact", *(sa.column(name) for name in FACT_INDEX_COLUMNS + FACT_OTHER_COLUMNS)
)


def facts_of_existing_appointments() -> None:
    bind = op.get_bind()
    staff_cancelled = (
        sa.select(audit_event.c.appointment_id)
        .where(audit_event.c.action == "cancel")
        .scalar_subquery()
    )
    rows = bind.execute(
        sa.select(
            appointment,
            service_point.c.municipality_id,
            service.c.agency_id,
            appointment.c.id.in_(staff_cancelled).label("by_staff"),
        )
        .join(service_point, service_point.c.id == appointment.c.point_id)
        .join(service, service.c.id == appointment.c.service_id)
    ).all()
    facts = [_fact_of(row) for row in rows]
    if not facts:
        return
    bind.execute(fact.insert(), facts)
    links = [
        {"appointment_id": row.id, "new_fact_id": values["id"]}
        for row, values in zip(rows, facts, strict=True)
        if row.personal_data_erased_at is None
    ]
    if links:
        bind.execute(
            appointment.update()
            .where(appointment.c.id == sa.bindparam("appointment_id"))
            .values(fact_id=sa.bindparam("new_fact_id")),
            links,
        )


def _fact_of(row) -> dict:
    starts_at, ends_at = _utc(row.starts_at), _utc(row.ends_at)
    cancelled = row.status == "cancelled"
    booked_minutes = 0 if cancelled else round((ends_at - starts_at).total_seconds() / 60)
    notice = None
    if cancelled and row.cancelled_at is not None:
        notice = math.floor((starts_at - _utc(row.cancelled_at)).total_seconds() / 3600)
    local_start = starts_at.astimezone(HELSINKI)
    lead = (local_start.date() - _utc(row.created_at).astimezone(HELSINKI).date()).days
    return {
        "id": secrets.randbits(63) or 1,
        "month": local_start.strftime("%Y-%m"),
        "municipality_id": row.municipality_id,
        "point_id": row.point_id,
        "agency_id": row.agency_id,
        "service_id": row.service_id,
        "channel": "desk" if row.channel == "desk" else "online",
        "language": row.language,
        "interpreter": bool(row.interpreter_language),
        "lead_days": max(0, lead),
        "outcome": row.status,
        "failure_reason": None,
        "cancelled_by": ("staff" if row.by_staff else "citizen") if cancelled else None,
        "cancel_notice_hours": notice,
        "waiting_minutes": None,
        "call_minutes": None,
        "booked_minutes": booked_minutes,
        "used_minutes": booked_minutes if row.status == "done" else 0,
    }


def _utc(moment):
    """Aware UTC (SQLite hands the stored UTC back without a zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
