"""The appointment's day: arrived, the call started and ended, done, no-show, failed.

The timeline is booked → arrived (at the desk) → in call → done; or no-show,
or a technical failure with a reason.  Each step keeps its time on the
appointment and rewrites its anonymous fact.  What may be done, by whom and
when is :func:`booking.appointments.actions.allowed_actions`, the same rule the
pages use to offer their buttons; anything else is refused with
:class:`InvalidTransition`.  Like the other use cases they flush and never
commit.

``by_user_id`` is the staff member acting, whose role decides; without one
(the demo's lived-in calendar) the change is made with an administrator's rights.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from booking.appointments.actions import CHECK_IN_FROM, Action, is_allowed
from booking.appointments.errors import N_, BookingError, InvalidTransition
from booking.appointments.guard import lock_for_change
from booking.appointments.outcome_facts import record_fact
from booking.data.enums import AppointmentStatus, FailureReason, Role
from booking.data.models import Appointment, StaffUser
from booking.staff.audit import record_change


def check_in(
    session: Session,
    appointment: Appointment,
    *,
    now: datetime,
    by_user_id: int | None,
    check_in_from: timedelta = CHECK_IN_FROM,
) -> Appointment:
    """booked → arrived, at the desk; from ``check_in_from`` (the setting
    ``BOOKING_CHECK_IN_MINUTES``, an hour by default) before the start."""
    if appointment.status is AppointmentStatus.BOOKED and now < appointment.starts_at - (
        check_in_from
    ):
        raise InvalidTransition(
            N_("Check-in opens %(minutes)s minutes before the appointment starts."),
            params={"minutes": int(check_in_from.total_seconds() // 60)},
        )
    _allow(session, appointment, Action.CHECK_IN, now, by_user_id, check_in_from=check_in_from)
    appointment.status = AppointmentStatus.ARRIVED
    appointment.checked_in_at = now
    return _after_staff_transition(session, appointment, by_user_id, "check_in", now)


def start_call(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """booked or arrived → in call: the expert opened the meeting."""
    _allow(session, appointment, Action.START_CALL, now, by_user_id)
    appointment.status = AppointmentStatus.IN_CALL
    appointment.call_started_at = now
    return _after_staff_transition(session, appointment, by_user_id, "start_call", now)


def end_call(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """in call → done."""
    _allow(session, appointment, Action.END_CALL, now, by_user_id)
    appointment.status = AppointmentStatus.DONE
    appointment.call_ended_at = appointment.outcome_at = now
    return _after_staff_transition(session, appointment, by_user_id, "done", now)


def mark_no_show(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """booked → no_show; only once the start has passed."""
    if appointment.starts_at > now:
        raise InvalidTransition(N_("A no-show can be marked only after the start time."))
    _allow(session, appointment, Action.NO_SHOW, now, by_user_id)
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.outcome_at = now
    return _after_staff_transition(session, appointment, by_user_id, "no_show", now)


def mark_done(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int | None
) -> Appointment:
    """booked or arrived → done, without the call's times (held outside the app)."""
    _allow(session, appointment, Action.MARK_DONE, now, by_user_id)
    appointment.status = AppointmentStatus.DONE
    appointment.outcome_at = now
    return _after_staff_transition(session, appointment, by_user_id, "done", now)


def mark_failure(
    session: Session,
    appointment: Appointment,
    *,
    now: datetime,
    by_user_id: int | None,
    reason: FailureReason,
) -> Appointment:
    """booked, arrived or in call → technical failure, for one of the listed reasons."""
    try:
        reason = FailureReason(reason)
    except ValueError:
        raise BookingError(field="reason") from None
    _allow(session, appointment, Action.FAILURE, now, by_user_id)
    if appointment.status is AppointmentStatus.IN_CALL:
        appointment.call_ended_at = now
    appointment.status = AppointmentStatus.TECHNICAL_FAILURE
    appointment.outcome_at = now
    appointment.outcome_reason = reason.value
    return _after_staff_transition(session, appointment, by_user_id, "failure", now)


def acting_role(session: Session, by_user_id: int | None) -> Role | None:
    """The role of staff member ``by_user_id``; None without one (the citizen)."""
    if by_user_id is None:
        return None
    user = session.get(StaffUser, by_user_id)
    if user is None:
        raise InvalidTransition()
    return user.role


def _allow(
    session,
    appointment: Appointment,
    action: Action,
    now,
    by_user_id,
    *,
    check_in_from: timedelta = CHECK_IN_FROM,
) -> None:
    lock_for_change(session, appointment)
    role = acting_role(session, by_user_id) if by_user_id is not None else Role.ADMIN
    if not is_allowed(appointment, action, now, role, check_in_from=check_in_from):
        raise InvalidTransition()
    appointment.updated_at = now


def _after_staff_transition(session, appointment, by_user_id, action: str, now) -> Appointment:
    record_fact(session, appointment)
    if by_user_id is not None:
        record_change(session, appointment, by_user_id, action, now)
    session.flush()
    return appointment
