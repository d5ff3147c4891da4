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

from datetime import datetime, time, timedelta

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from booking.appointments.errors import (
    N_,
    EmailOnlyTimesTaken,
    TooManyActiveBookings,
    TooManyCodes,
    TooManyMoves,
)
from booking.data.enums import AppointmentStatus, BookingChannel
from booking.data.models import Appointment, Service
from booking.engine.clock import HELSINKI, to_helsinki
from booking.messages.sms_budget import codes_left_this_hour, sms_left_today

DEFAULT_MAX_ACTIVE_PER_AGENCY = 2
#: Online bookings made with an e-mail address instead of a mobile number, per point a day.
EMAIL_ONLY_PER_POINT_DAY = 2
MOVES_PER_DAY = 3

EMAIL_AT_ITS_LIMIT = N_(
    "This e-mail address already has the most upcoming appointments allowed with this "
    "agency. Please cancel one first."
)
SMS_BUDGET_SPENT = N_(
    "We have already sent this number as many text messages as we send in a day. "
    "Please try again tomorrow, or book at a service point."
)


#: The tables' columns: the counts every booking makes under its write locks read
#: them without the ORM's execution around a query of entities.
_APPOINTMENT = Appointment.__table__.c
_SERVICE = Service.__table__.c


def _coming(now: datetime):
    """Coming appointments that hold their time: booked ones, and holds not yet lapsed."""
    return and_(
        _APPOINTMENT.starts_at > now,
        or_(
            _APPOINTMENT.status == AppointmentStatus.BOOKED,
            and_(_APPOINTMENT.status == AppointmentStatus.HELD, _APPOINTMENT.expires_at > now),
        ),
    )


def _active_count(who):
    """How many coming appointments ``who`` (a bound ``:who``) has with ``:agency``;
    built once, as every booking counts under its write locks."""
    return (
        select(func.count(_APPOINTMENT.id))
        .join(Service.__table__, _SERVICE.id == _APPOINTMENT.service_id)
        .where(who, _SERVICE.agency_id == bindparam("agency"), _coming(bindparam("now")))
    )


_ACTIVE_OF_NUMBER = _active_count(_APPOINTMENT.phone == bindparam("who"))
_ACTIVE_OF_ADDRESS = _active_count(func.lower(_APPOINTMENT.email) == bindparam("who"))


def check_active_limit(
    session: Session,
    phone: str | None,
    service: Service,
    now: datetime,
    limit: int,
    *,
    email: str | None = None,
) -> None:
    """:class:`TooManyActiveBookings` when ``phone`` (or, for a booking without a
    number, ``email``) already has ``limit`` coming appointments with the service's
    agency."""
    statement = _ACTIVE_OF_NUMBER if phone else _ACTIVE_OF_ADDRESS
    who = phone if phone else email_key(email)
    active = session.scalar(statement, {"who": who, "agency": service.agency_id, "now": now})
    if active >= limit:
        raise (
            TooManyActiveBookings()
            if phone
            else TooManyActiveBookings(EMAIL_AT_ITS_LIMIT, field="email")
        )


def email_key(email: str | None) -> str:
    return (email or "").lower()


def check_email_only_share(
    session: Session, point_id: str, starts_at: datetime, now: datetime
) -> None:
    """:class:`EmailOnlyTimesTaken` when the point's day already has
    ``EMAIL_ONLY_PER_POINT_DAY`` coming online bookings made without a number.

    An e-mail address is free to make in any number (a domain of one's own answers
    to all of them), so the code sent there proves far less than one sent to a
    mobile number; capping these bookings per point and day keeps what one person
    could hoard with made-up addresses to a small share of any day."""
    day = to_helsinki(starts_at).date()
    first = datetime.combine(day, time(0), tzinfo=HELSINKI)
    taken = session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.point_id == point_id,
            Appointment.phone.is_(None),
            Appointment.channel != BookingChannel.DESK,
            Appointment.starts_at >= first,
            Appointment.starts_at < first + timedelta(days=1),
            _coming(now),
        )
    )
    if taken >= EMAIL_ONLY_PER_POINT_DAY:
        raise EmailOnlyTimesTaken()


def check_code_allowance(session: Session, phone: str, now: datetime) -> None:
    """:class:`TooManyCodes` when ``phone`` (a number, or the e-mail address a code goes
    to) may not be sent a code now: its codes of the hour or its SMS of the day are
    used up."""
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
