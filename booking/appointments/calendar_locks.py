"""The write locks a booking or a move takes before it writes, and what it does under them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.guard import lock_booking_scopes
from booking.appointments.holds import expire_lapsed_holds
from booking.appointments.limits import check_active_limit
from booking.data.models import Service


def take_the_calendar(
    session: Session,
    point_id: str,
    service: Service,
    now: datetime,
    limit: int,
    phone: str | None = None,
    email: str | None = None,
) -> None:
    """Take the write locks of the point, the service's agency and the number (or the
    address) whose limits are counted (PostgreSQL; SQLite's transaction already holds
    the database's), then clear lapsed holds out of the way and count ``phone``'s
    coming appointments: what a parallel booking must not race past."""
    lock_booking_scopes(session, point_id, service.agency_id, phone or email)
    expire_lapsed_holds(session, now=now)
    if phone:
        check_active_limit(session, phone, service, now, limit)
