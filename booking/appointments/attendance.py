"""Arrived, no-show, done: the staff's transitions of an appointment on its day.

Like the other use cases they flush and never commit, and refuse a transition
from the wrong status with :class:`InvalidTransition`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.errors import N_, InvalidTransition
from booking.appointments.guard import lock_appointment
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from booking.staff.audit import record_change


def check_in(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """booked → arrived, at the desk."""
    _transition(session, appointment, AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, now)
    appointment.checked_in_at = now
    return _after_staff_transition(session, appointment, by_user_id, "check_in", now)


def mark_no_show(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """booked → no_show; only once the start has passed."""
    if appointment.starts_at > now:
        raise InvalidTransition(N_("A no-show can be marked only after the start time."))
    _transition(session, appointment, AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW, now)
    return _after_staff_transition(session, appointment, by_user_id, "no_show", now)


def mark_done(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """arrived → done."""
    _transition(session, appointment, AppointmentStatus.ARRIVED, AppointmentStatus.DONE, now)
    return _after_staff_transition(session, appointment, by_user_id, "done", now)


def _transition(
    session: Session, appointment: Appointment, expected: AppointmentStatus, new, now
) -> None:
    lock_appointment(session, appointment)
    if appointment.status != expected:
        raise InvalidTransition()
    appointment.status = new
    appointment.updated_at = now


def _after_staff_transition(session, appointment, by_user_id, action: str, now) -> Appointment:
    if by_user_id is not None:
        record_change(session, appointment, by_user_id, action, now)
    session.flush()
    return appointment
