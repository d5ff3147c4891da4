"""The database's own guard against double booking, for the revisions that create it.

An active appointment (``booking.data.enums.ACTIVE_STATUSES``) holds its room and
its expert from ``starts_at`` to ``blocked_until``; two such spans of one room or
one expert may not overlap.  PostgreSQL enforces this with exclusion constraints,
SQLite with triggers.

This module sits outside ``versions/`` so that Alembic does not take it for a
revision.  A revision that changes ``ACTIVE_STATUSES``, or recreates the
appointment table on SQLite (batch mode drops the table's triggers with it),
drops the guards (:func:`drop_no_overlap_guards`) and calls
:func:`create_no_overlap_guards` again.
"""

from __future__ import annotations

from alembic import op

from booking.data.enums import ACTIVE_STATUSES

#: The SQL list of the active statuses stands for this in the statements below.
STATUSES = "__ACTIVE_STATUSES__"

POSTGRES_CONSTRAINTS = {
    "appointment_room_no_overlap": "room_id",
    "appointment_expert_no_overlap": "expert_id",
}
SQLITE_TRIGGERS = ("appointment_no_overlap_insert", "appointment_no_overlap_update")

# Half-open ranges: [10:00, 10:45) and [10:45, 11:30) do not conflict.
POSTGRES_EXCLUSION = f"""ALTER TABLE appointment ADD CONSTRAINT {{name}}
        EXCLUDE USING gist ({{column}} WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
        WHERE (status IN {STATUSES})"""

# SQLite has one writer at a time, so a trigger that looks for an overlap
# before each write is race-free across processes.  The lower bound on
# other.starts_at keeps the index scan to the last day instead of all history:
# no appointment holds a room for a day (a CHECK on the service table keeps
# duration plus buffer under a day).
SQLITE_OVERLAP = f"""
    SELECT RAISE(ABORT, 'appointment_overlap') WHERE EXISTS (
        SELECT 1 FROM appointment AS other
        WHERE other.status IN {STATUSES} {{exclude_self}}
          AND (other.room_id = NEW.room_id OR other.expert_id = NEW.expert_id)
          AND other.starts_at > datetime(NEW.starts_at, '-1 day')
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until);
"""  # noqa: S608 (the statuses are the enum's own values, not input)

SQLITE_GUARDS = [
    f"""CREATE TRIGGER {SQLITE_TRIGGERS[0]} BEFORE INSERT ON appointment
        WHEN NEW.status IN {STATUSES}
        BEGIN {SQLITE_OVERLAP.format(exclude_self="")} END""",
    f"""CREATE TRIGGER {SQLITE_TRIGGERS[1]}
        BEFORE UPDATE OF starts_at, blocked_until, room_id, expert_id, status ON appointment
        WHEN NEW.status IN {STATUSES}
        BEGIN {SQLITE_OVERLAP.format(exclude_self="AND other.id <> NEW.id")} END""",
]


def active_list(statuses=ACTIVE_STATUSES) -> str:
    """``('booked', 'arrived', …)``: statuses as an SQL list."""
    return "(" + ", ".join(f"'{status}'" for status in statuses) + ")"


def create_no_overlap_guards(statuses=ACTIVE_STATUSES) -> None:
    """Add the guard of the current backend to the appointment table; ``statuses``
    (the active ones of today unless given) are those that hold a room and an expert."""
    listed = active_list(statuses)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for name, column in POSTGRES_CONSTRAINTS.items():
            statement = POSTGRES_EXCLUSION.format(name=name, column=column)
            op.execute(statement.replace(STATUSES, listed))
        return
    for statement in SQLITE_GUARDS:
        op.execute(statement.replace(STATUSES, listed))


def drop_no_overlap_guards() -> None:
    """Remove the guard of the current backend, to create it again with other statuses."""
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRES_CONSTRAINTS:
            op.execute(f"ALTER TABLE appointment DROP CONSTRAINT {name}")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
