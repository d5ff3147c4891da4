"""Holds: an online booking keeps its time while the citizen proves the mobile number.

A booking made online (the citizen's pages and the API) first *holds* its time:
status ``held``, ``expires_at`` a few minutes on, and a 6-digit code sent by
SMS to the number given.  Only the code's hash is stored (salted with the
appointment's calendar UID).  Typing the code in time makes the appointment
``booked`` and queues its confirmation; five wrong codes, or the time running
out, end the hold.

A hold counts as busy until ``expires_at`` — for availability, compared with
the request's ``now`` — and, being an active status, for the database guard.
A lapsed hold is marked ``expired`` by :func:`expire_lapsed_holds`, which every
booking and move runs under the calendar lock before it writes (so the guard
never finds one in its way) and the scheduler runs every minute.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.orm import Session

from booking.appointments.errors import N_, BookingError, HoldExpired, WrongCode
from booking.appointments.guard import lock_for_change
from booking.appointments.outcome_facts import record_fact
from booking.data.enums import AppointmentStatus, MessageKind
from booking.data.models import Appointment
from booking.messages.outbox import queue_appointment_messages

DEFAULT_HOLD_MINUTES = 10
CODE_DIGITS = 6
MAX_WRONG_CODES = 5

ENDED_BY_WRONG_CODES = N_(
    "The code was wrong too many times, so the time is no longer held for you. "
    "Please choose a time again."
)
NOT_A_CODE = N_("Please type the 6 digits of the code.")


@dataclass(frozen=True)
class HoldPolicy:
    """How an online booking proves its number: for how long the time is held."""

    minutes: int = DEFAULT_HOLD_MINUTES

    def expiry(self, now: datetime) -> datetime:
        return now + timedelta(minutes=self.minutes)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(salt: str, code: str) -> str:
    """The stored form of ``code``; ``salt`` is the appointment's calendar UID."""
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def normalized_code(typed: object) -> str | None:
    """The digits of a typed code ("123 456" → "123456"), or None when it is no code."""
    if not isinstance(typed, str) or len(typed) > 40:
        return None
    digits = "".join(typed.split()).replace("-", "")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def confirm_hold(
    session: Session,
    appointment: Appointment,
    typed_code: object,
    *,
    now: datetime,
) -> BookingError | None:
    """Check the code typed for a held ``appointment``: right and in time, it becomes
    ``booked`` and its confirmation is queued.

    Unlike the other use cases a wrong code changes something — the count of wrong
    codes, and at the fifth the hold ends — so this returns the refusal to show
    instead of raising it: the caller commits either way.  Already booked (a second
    click): None, nothing changes.  Flushes, never commits."""
    lock_for_change(session, appointment)
    if appointment.status == AppointmentStatus.BOOKED:
        return None
    if appointment.status != AppointmentStatus.HELD:
        return HoldExpired()
    if appointment.expires_at is None or appointment.expires_at <= now:
        _end(appointment, now)
        session.flush()
        return HoldExpired()
    code = normalized_code(typed_code)
    if code is None:
        return WrongCode(NOT_A_CODE)
    if not hmac.compare_digest(hash_code(appointment.ical_uid, code), appointment.code_hash or ""):
        appointment.code_attempts += 1
        if appointment.code_attempts >= MAX_WRONG_CODES:
            _end(appointment, now)
            session.flush()
            return HoldExpired(ENDED_BY_WRONG_CODES)
        session.flush()
        return WrongCode()
    appointment.status = AppointmentStatus.BOOKED
    appointment.expires_at = None
    appointment.code_hash = None
    appointment.updated_at = now
    session.flush()
    record_fact(session, appointment)  # a confirmed booking is counted from now on
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=now)
    return None


def expire_lapsed_holds(session: Session, *, now: datetime) -> int:
    """Mark every hold whose time ran out ``expired``; returns how many.  One indexed
    UPDATE (status, expires_at); no calendar revision is raised, as a lapsed hold
    already reads as free (``booking.data.availability``)."""
    session.flush()
    expired = session.execute(_EXPIRE_LAPSED, {"now": now}).rowcount or 0
    if expired:  # the session's held appointments are read again when next used
        for loaded in list(session.identity_map.values()):
            held = inspect(loaded).dict.get("status") is AppointmentStatus.HELD
            if held and isinstance(loaded, Appointment):
                session.expire(loaded)
    return expired


#: Holds lapsed at ``:now`` marked expired: a plain UPDATE built once, as every
#: booking runs it under its write locks and it seldom finds any.
_APPOINTMENTS = Appointment.__table__
_EXPIRE_LAPSED = (
    update(_APPOINTMENTS)
    .where(
        _APPOINTMENTS.c.status == AppointmentStatus.HELD,
        _APPOINTMENTS.c.expires_at <= bindparam("now"),
    )
    .values(status=AppointmentStatus.EXPIRED, code_hash=None, updated_at=bindparam("now"))
)


def _end(appointment: Appointment, now: datetime) -> None:
    appointment.status = AppointmentStatus.EXPIRED
    appointment.code_hash = None
    appointment.updated_at = now
