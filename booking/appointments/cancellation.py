"""Cancelling an appointment (the use case; :mod:`booking.appointments.lifecycle` re-exports it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.actions import Action, is_allowed
from booking.appointments.attendance import acting_role
from booking.appointments.citizen_details import (
    CANCEL_REASON_MAX_LENGTH,
    DetailError,
    normalize_free_text,
)
from booking.appointments.errors import DetailsRefused, InvalidTransition
from booking.appointments.guard import lock_for_change
from booking.appointments.outcome_facts import record_fact
from booking.data.enums import AppointmentStatus, CancelledBy, MessageKind
from booking.data.models import Appointment
from booking.messages.outbox import queue_appointment_messages
from booking.staff.audit import record_change


def cancel_appointment(
    session: Session,
    appointment: Appointment,
    *,
    now: datetime,
    reason: str = "",
    by_user_id: int | None = None,
) -> Appointment:
    """Cancel: the time is free again at once; the revision goes up by one and the
    cancellation messages are queued.  A citizen (no ``by_user_id``) can cancel only
    before the start; staff may also cancel an arrived appointment."""
    lock_for_change(session, appointment)
    role = acting_role(session, by_user_id)
    if not is_allowed(appointment, Action.CANCEL, now, role):
        raise InvalidTransition()
    try:
        reason = normalize_free_text(reason, CANCEL_REASON_MAX_LENGTH, "reason")
    except DetailError as error:
        raise DetailsRefused({error.field: error.msgid}) from error
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancel_reason = reason
    # Off any list of the desk's: an arrived citizen it talked to is settled so (a
    # calendar change that cancels puts a desk booking without a mobile back on one).
    appointment.to_call = False
    appointment.revision += 1
    appointment.updated_at = now
    session.flush()
    by = CancelledBy.STAFF if role else CancelledBy.CITIZEN
    record_fact(session, appointment, cancelled_by=by)
    queue_appointment_messages(session, appointment, MessageKind.CANCELLED, now=now)
    if by_user_id is not None:
        record_change(session, appointment, by_user_id, "cancel", now)
    return appointment
