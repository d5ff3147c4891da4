"""The database's word on double booking, seen from the booking use cases.

The no-overlap guard itself lives in the database (data/migrations/guards.py): a
PostgreSQL exclusion constraint and SQLite triggers.  Here: inserting under a
SAVEPOINT so that a refusal leaves the session usable, recognising that refusal
on both backends, drawing unique reference codes, and the calendar write lock.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.data.calendar_models import CalendarRevision
from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment

#: Reference codes avoid look-alikes (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B) for reading aloud.
REFERENCE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
REFERENCE_LENGTH = 6
REFERENCE_ATTEMPTS = 5


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def insert_guarded(session: Session, appointment: Appointment) -> bool:
    """Insert inside a savepoint; False when the database's no-overlap guard refused it.

    A reference code that happens to exist already (the unique index says so) is
    drawn again, rather than asked about before every insert."""
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with session.begin_nested():
                session.add(appointment)
                session.flush()
        except IntegrityError as error:
            if appointment in session:
                session.expunge(appointment)
            if is_overlap(error):
                return False
            if not _is_reference_clash(error):
                raise
            appointment.reference = new_reference()
            continue
        return True
    raise RuntimeError("no free reference code found")


def _is_reference_clash(error: IntegrityError) -> bool:
    message = str(error.orig)
    return "reference" in message and (
        getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE" in message
    )


def lock_calendar(session: Session) -> bool:
    """Take the calendar's write lock for the rest of the transaction; True if taken.

    On PostgreSQL: the calendar revision row, FOR UPDATE — the row every booking
    change raises anyway, so changes were already serialised from their first write
    to their commit; this moves the start of that to before the pick.  On SQLite
    the transaction already holds the database's only write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(
        select(CalendarRevision.value).where(CalendarRevision.id == 1).with_for_update()
    )
    return True


def lock_appointment(session: Session, appointment: Appointment) -> None:
    """Re-read ``appointment`` and hold its row until the transaction ends, so that two
    changes of one appointment at once (a double click) see each other: the second
    finds it already cancelled or moved.  On SQLite the transaction's write lock
    (BEGIN IMMEDIATE) already serialises them."""
    if session.get_bind().dialect.name == "postgresql" and appointment in session:
        session.refresh(appointment, with_for_update=True)


def still_free(
    session: Session, room_id: int, expert_id: int, starts_at: datetime, blocked_until: datetime
) -> bool:
    """True when no active appointment holds the room or the expert in
    ``[starts_at, blocked_until)`` — the database guard's own condition, asked first."""
    holder = session.scalar(
        select(Appointment.id)
        .where(
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.starts_at < blocked_until,
            Appointment.blocked_until > starts_at,
            or_(Appointment.room_id == room_id, Appointment.expert_id == expert_id),
        )
        .limit(1)
    )
    return holder is None


def is_overlap(error: IntegrityError) -> bool:
    """True for the no-overlap guard: PostgreSQL's exclusion violation (23P01) or the
    SQLite trigger's 'appointment_overlap'."""
    if getattr(error.orig, "sqlstate", None) == "23P01":
        return True
    return "appointment_overlap" in str(error.orig)
