"""Limits per mobile number and per appointment, checked where they cannot be raced.

The app faces the open internet, and whoever books names the number the texts
go to.  So: a number holds at most a few coming appointments with one agency
(held ones count); a number is sent at most a few codes an hour and a few SMS
a day (``booking.messages.sms_budget``); a citizen moves one appointment at
most ``MOVES_PER_DAY`` times a Helsinki day.  The counts are read from the
database inside the booking's transaction after the calendar's write lock is
taken, so parallel requests (on any number of servers) queue and see each
other's rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from booking.appointments.errors import N_, TooManyActiveBookings, TooManyCodes, TooManyMoves
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment, Service
from booking.engine.clock import to_helsinki
from booking.messages.sms_budget import codes_left_this_hour, sms_left_today

DEFAULT_MAX_ACTIVE_PER_AGENCY = 2
MOVES_PER_DAY = 3

SMS_BUDGET_SPENT = N_(
    "We have already sent this number as many text messages as we send in a day. "
    "Please try again tomorrow, or book at a service point."
)


def check_active_limit(
    session: Session, phone: str, service: Service, now: datetime, limit: int
) -> None:
    """:class:`TooManyActiveBookings` when ``phone`` already has ``limit`` coming
    appointments with the service's agency: booked ones, and holds not yet lapsed."""
    active = session.scalar(
        select(func.count(Appointment.id))
        .join(Service, Service.id == Appointment.service_id)
        .where(
            Appointment.phone == phone,
            Service.agency_id == service.agency_id,
            Appointment.starts_at > now,
            or_(
                Appointment.status == AppointmentStatus.BOOKED,
                and_(
                    Appointment.status == AppointmentStatus.HELD,
                    Appointment.expires_at > now,
                ),
            ),
        )
    )
    if active >= limit:
        raise TooManyActiveBookings()


def check_code_allowance(session: Session, phone: str, now: datetime) -> None:
    """:class:`TooManyCodes` when ``phone`` may not be sent a code now: its codes of the
    hour or its SMS of the day are used up."""
    if codes_left_this_hour(session, phone, now=now) <= 0:
        raise TooManyCodes()
    if sms_left_today(session, phone, now=now) <= 0:
        raise TooManyCodes(SMS_BUDGET_SPENT)


def check_move_allowance(appointment: Appointment, now: datetime) -> None:
    """:class:`TooManyMoves` when the citizen has moved ``appointment`` as often as a
    day allows."""
    if appointment.moves_on == to_helsinki(now).date() and (
        appointment.moves_that_day >= MOVES_PER_DAY
    ):
        raise TooManyMoves(params={"moves": MOVES_PER_DAY})


def count_move(appointment: Appointment, now: datetime) -> None:
    today = to_helsinki(now).date()
    if appointment.moves_on != today:
        appointment.moves_on, appointment.moves_that_day = today, 0
    appointment.moves_that_day += 1
