"""The database's word on double booking, seen from the booking use cases.

The no-overlap guard itself lives in the database (data/migrations/guards.py): a
PostgreSQL exclusion constraint and SQLite triggers.  Here: inserting under a
SAVEPOINT so that a refusal leaves the session usable, recognising that refusal
on both backends, drawing unique reference codes, and the calendar's write locks.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.data.advisory_locks import lock_name, lock_number
from booking.data.calendar_models import CalendarRevision
from booking.data.calendar_stamps import agency_scope, point_scope
from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import LONGEST_APPOINTMENT, Appointment

#: Reference codes avoid look-alikes (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B) for reading aloud.
REFERENCE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
REFERENCE_LENGTH = 6
REFERENCE_ATTEMPTS = 5


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def insert_guarded(session: Session, appointment: Appointment, *beside: tuple[Table, dict]) -> bool:
    """Insert inside a savepoint; False when the database's no-overlap guard refused it.

    ``beside``: rows (a table and a row's values) written just before it, in the same
    savepoint, so that a refusal takes them back too.  A reference code that happens
    to exist already (the unique index says so) is drawn again, rather than asked
    about before every insert."""
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with session.begin_nested():
                for table, row in beside:
                    session.execute(table.insert(), row)
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
    """Take the whole calendar's write lock for the rest of the transaction; True if
    taken.  For changes that can reach any point (a region import, a closure with its
    consequences): it waits for every booking under way and holds off new ones.

    On PostgreSQL: the region's revision row, FOR UPDATE (bookings hold it FOR SHARE,
    see :func:`lock_booking_scopes`).  On SQLite the transaction already holds the
    database's only write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(
        select(CalendarRevision.value).where(CalendarRevision.id == 1).with_for_update()
    )
    return True


def lock_booking_scopes(
    session: Session, point_id: str, agency_id: str, phone: str | None = None
) -> bool:
    """Take the write locks a booking or a move at ``point_id`` with an expert of
    ``agency_id`` needs, for the rest of the transaction; True if taken.

    On PostgreSQL: the region's revision row FOR SHARE (so no region-wide change runs
    meanwhile), then the point's and the agency's own locks, in a fixed order, then
    ``phone``'s own lock (its limits are counted next).  Bookings of other agencies at
    other points take other locks and do not wait for this one; the database guard
    still decides every overlap.  On SQLite the transaction already holds the
    database's only write lock."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(
        select(CalendarRevision.value).where(CalendarRevision.id == 1).with_for_update(read=True)
    )
    for scope in sorted((point_scope(point_id), agency_scope(agency_id))):
        lock_name(session, scope, kind=b"booking-scope")
    if phone:
        lock_number(session, phone)
    return True


def lock_for_change(session: Session, appointment: Appointment) -> None:
    """Take the locks a change of ``appointment`` (move, cancel, confirm, attendance)
    needs, in the order a booking takes them on PostgreSQL: the region's row (shared),
    its point's and agency's locks, its number (or address), then its own row.  A
    region-wide change holds the region's row FOR UPDATE and reaches appointment rows
    after it, so a change waits for one holding nothing, instead of the two waiting
    for each other."""
    contact = appointment.phone or appointment.email
    lock_booking_scopes(session, appointment.point_id, appointment.service.agency_id, contact)
    lock_appointment(session, appointment)


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
    params = {
        "room": room_id,
        "expert": expert_id,
        "since": starts_at,
        "until": blocked_until,
        "earliest": starts_at - LONGEST_APPOINTMENT,
    }
    return session.scalar(_HOLDER, params) is None


#: An active appointment holding ``:room`` or ``:expert`` in ``[:since, :until)``
#: (built once, of the table's columns: every booking asks it under its write locks).
_APPOINTMENT = Appointment.__table__.c
_HOLDER = (
    select(_APPOINTMENT.id)
    .where(
        _APPOINTMENT.status.in_(ACTIVE_STATUSES),
        _APPOINTMENT.starts_at > bindparam("earliest"),
        _APPOINTMENT.starts_at < bindparam("until"),
        _APPOINTMENT.blocked_until > bindparam("since"),
        or_(
            _APPOINTMENT.room_id == bindparam("room"), _APPOINTMENT.expert_id == bindparam("expert")
        ),
    )
    .limit(1)
)


def is_overlap(error: IntegrityError) -> bool:
    """True for the no-overlap guard: PostgreSQL's exclusion violation (23P01) or the
    SQLite trigger's 'appointment_overlap'."""
    if getattr(error.orig, "sqlstate", None) == "23P01":
        return True
    return "appointment_overlap" in str(error.orig)
