"""The write locks a booking or a move takes before it writes, and what it does under them.

A booking first *looks* (point, service, start, limits, a free room and expert),
then takes its write locks to check and write.  On SQLite the one write lock is
the whole database's, so a booking that begins with no transaction looks in a
transaction that only reads: bookings elsewhere look while one writes.  On both
backends what the look rests on is read before it (:class:`FirstLook`: the
region's, the point's and the agency's revisions) and again under the locks; when
any of them moved (a service, the point's hours or closures, an expert changed),
the booking looks again under the locks (:class:`LookedBeforeAChange`).
Appointments taken meanwhile are found by checking the room and the expert free
under the locks, and picking again if not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.guard import lock_booking_scopes
from booking.appointments.holds import expire_lapsed_holds
from booking.appointments.limits import check_active_limit, check_email_only_share
from booking.appointments.start_checks import can_name_a_row
from booking.data.calendar_stamps import calendar_revisions
from booking.data.models import Service
from booking.data.sessions import end_reading


class LookedBeforeAChange(Exception):
    """What a booking looked at has changed since: look again, under the locks."""


@dataclass(frozen=True)
class FirstLook:
    """The revisions a booking's look rests on, read before it looks; ``reading``:
    the look is a transaction of its own that only reads (SQLite)."""

    point_id: str
    service_id: str
    revisions: tuple
    reading: bool

    def still_holds(self, session: Session) -> bool:
        return self.revisions == calendar_revisions(session, self.point_id, self.service_id)


def first_look(session: Session, point_id: str, service_id: str, *, reading: bool):
    """The :class:`FirstLook` of a booking at ``point_id`` of ``service_id``; None when
    nothing can change between its look and its locks (SQLite, in a transaction that
    already holds the write lock) or the ids cannot name a point and a service."""
    if not reading and session.get_bind().dialect.name != "postgresql":
        return None
    if not (can_name_a_row(point_id) and can_name_a_row(service_id)):
        return None
    return FirstLook(
        point_id, service_id, calendar_revisions(session, point_id, service_id), reading
    )


def take_the_calendar(
    session: Session,
    point_id: str,
    service: Service,
    now: datetime,
    limit: int,
    phone: str | None = None,
    email: str | None = None,
    *,
    first_look: FirstLook | None = None,
    starts_at: datetime | None = None,
) -> None:
    """Take the write locks of the point, the service's agency and the number (or the
    address) whose limits are counted (PostgreSQL; SQLite's transaction already holds
    the database's), then clear lapsed holds out of the way and count ``phone``'s
    (or, with ``starts_at``, ``email``'s) coming appointments: what a parallel booking
    must not race past.  A ``first_look`` that only read ends here (the write
    transaction begins with the next statement); :class:`LookedBeforeAChange` under
    the locks when what it rests on has changed."""
    if first_look is not None and first_look.reading:
        end_reading(session)
    lock_booking_scopes(session, point_id, service.agency_id, phone or email)
    if first_look is not None and not first_look.still_holds(session):
        raise LookedBeforeAChange()
    expire_lapsed_holds(session, now=now)
    if phone:
        check_active_limit(session, phone, service, now, limit)
    elif email and starts_at is not None:
        check_active_limit(session, None, service, now, limit, email=email)
        check_email_only_share(session, point_id, starts_at, now)
