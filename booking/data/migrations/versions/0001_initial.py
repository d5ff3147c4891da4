"""The first schema, and the database's own guard against double booking.

The tables are spelled out here (not taken from the models), so that this
revision stays what it was when later revisions change the models.  The
guard is built from the active statuses, in ``booking.data.migrations.guards``.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from booking.data.migrations.guards import create_no_overlap_guards

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES_IN_DEPENDENCY_ORDER = (
    "agency",
    "calendar_revision",
    "municipality",
    "expert",
    "service",
    "service_point",
    "closure",
    "expert_absence",
    "expert_hours",
    "expert_service",
    "offering",
    "opening_hours",
    "room",
    "staff_user",
    "appointment",
    "staff_point",
    "audit_event",
    "outbox_message",
)


def upgrade() -> None:
    create_tables()
    create_no_overlap_guards()
    op.execute("INSERT INTO calendar_revision (id, value) VALUES (1, 0)")


def downgrade() -> None:
    for table in TABLES_IN_DEPENDENCY_ORDER[::-1]:
        op.drop_table(table)


def create_tables() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name_fi", sa.String(length=120), nullable=False),
        sa.Column("name_sv", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("sms_name_fi", sa.String(length=60), nullable=False),
        sa.Column("sms_name_sv", sa.String(length=60), nullable=False),
        sa.Column("sms_name_en", sa.String(length=60), nullable=False),
        sa.Column("meeting_link_template", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "calendar_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "municipality",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name_fi", sa.String(length=80), nullable=False),
        sa.Column("name_sv", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_expert_agency_id"), "expert", ["agency_id"], unique=False)
    op.create_table(
        "service",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("name_fi", sa.String(length=120), nullable=False),
        sa.Column("name_sv", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("grid_minutes", sa.Integer(), nullable=False),
        sa.Column("min_notice_minutes", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("photo_id_required", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "service_point",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("municipality_id", sa.String(length=40), nullable=False),
        sa.Column("name_fi", sa.String(length=120), nullable=False),
        sa.Column("name_sv", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("street_address", sa.String(length=120), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("post_office", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=True),
        sa.Column("ends", sa.Time(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["service_point.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_closure_point_id"), "closure", ["point_id"], unique=False)
    op.create_table(
        "expert_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["expert_id"], ["expert.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_expert_absence_expert_id"), "expert_absence", ["expert_id"], unique=False
    )
    op.create_table(
        "expert_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(["expert_id"], ["expert.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_expert_hours_expert_id"), "expert_hours", ["expert_id"], unique=False)
    op.create_table(
        "expert_service",
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["expert_id"], ["expert.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("expert_id", "service_id"),
    )
    op.create_table(
        "offering",
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("service_id", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["service_point.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("point_id", "service_id"),
    )
    op.create_table(
        "opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["service_point.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_opening_hours_point_id"), "opening_hours", ["point_id"], unique=False)
    op.create_table(
        "room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["service_point.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("point_id", "key"),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column(
            "role",
            sa.Enum("advisor", "expert", "admin", name="staff_role", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feed_token_hash", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["expert_id"], ["expert.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("feed_token_hash"),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("ical_uid", sa.String(length=120), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "arrived",
                "done",
                "no_show",
                "cancelled",
                name="appointment_status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("online", "desk", "api", name="booking_channel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("service_id", sa.String(length=60), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("needs", sa.String(length=500), nullable=False),
        sa.Column("interpreter_language", sa.String(length=40), nullable=True),
        sa.Column("manage_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=False),
        sa.Column("personal_data_erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["booked_by_user_id"], ["staff_user.id"]),
        sa.ForeignKeyConstraint(["expert_id"], ["expert.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["service_point.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ical_uid"),
        sa.UniqueConstraint("manage_token_hash"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index(
        "ix_appointment_expert_start",
        "appointment",
        ["expert_id", "starts_at", "blocked_until", "status"],
        unique=False,
    )
    op.create_index("ix_appointment_phone", "appointment", ["phone"], unique=False)
    op.create_index(
        "ix_appointment_point_start", "appointment", ["point_id", "starts_at"], unique=False
    )
    op.create_index(
        "ix_appointment_room_start",
        "appointment",
        ["room_id", "starts_at", "blocked_until", "status"],
        unique=False,
    )
    op.create_table(
        "staff_point",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["service_point.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "point_id"),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"], unique=False)
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "confirmation",
                "moved",
                "cancelled",
                "reminder_day_before",
                "reminder_morning",
                "agenda",
                name="message_kind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("sms", "email", name="message_channel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "claimed",
                "sent",
                "delivered",
                "failed",
                "skipped",
                name="message_status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("delivery_status", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("manage_url", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"]),
        sa.ForeignKeyConstraint(["expert_id"], ["expert.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ix_outbox_due", "outbox_message", ["status", "due_at"], unique=False)
    op.create_index(
        op.f("ix_outbox_message_appointment_id"), "outbox_message", ["appointment_id"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_message_provider_id"), "outbox_message", ["provider_id"], unique=False
    )
