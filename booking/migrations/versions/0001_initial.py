"""The first schema, and the database's own guard against double booking.

Revision ID: 0001
Revises:
"""

from alembic import op

from booking.models import Base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE = "status <> 'cancelled'"

POSTGRES_GUARDS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    # Half-open ranges: [10:00, 10:45) and [10:45, 11:30) do not conflict.
    f"""ALTER TABLE appointment ADD CONSTRAINT appointment_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
        WHERE ({ACTIVE})""",
    f"""ALTER TABLE appointment ADD CONSTRAINT appointment_expert_no_overlap
        EXCLUDE USING gist (expert_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
        WHERE ({ACTIVE})""",
]

# SQLite has one writer at a time, so a trigger that looks for an overlap
# before each write is race-free across processes.  The lower bound on
# other.starts_at keeps the index scan to the last day instead of all history:
# no appointment holds a room for a day (the region file caps duration plus
# buffer at 10 hours).
SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'appointment_overlap') WHERE EXISTS (
        SELECT 1 FROM appointment AS other
        WHERE other.status <> 'cancelled' {exclude_self}
          AND (other.room_id = NEW.room_id OR other.expert_id = NEW.expert_id)
          AND other.starts_at > datetime(NEW.starts_at, '-1 day')
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until);
"""

SQLITE_GUARDS = [
    f"""CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON appointment
        WHEN NEW.status <> 'cancelled'
        BEGIN {SQLITE_OVERLAP.format(exclude_self="")} END""",
    f"""CREATE TRIGGER appointment_no_overlap_update
        BEFORE UPDATE OF starts_at, blocked_until, room_id, expert_id, status ON appointment
        WHEN NEW.status <> 'cancelled'
        BEGIN {SQLITE_OVERLAP.format(exclude_self="AND other.id <> NEW.id")} END""",
]


def upgrade() -> None:
    bind = op.get_bind()
    # Before the first release the initial schema is the models' metadata.
    Base.metadata.create_all(bind)
    guards = POSTGRES_GUARDS if bind.dialect.name == "postgresql" else SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)
    op.execute("INSERT INTO calendar_revision (id, value) VALUES (1, 0)")


def downgrade() -> None:
    Base.metadata.drop_all(op.get_bind())
