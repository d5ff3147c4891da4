"""The booking's summary sent by e-mail on the desk's request (a caller without a mobile).

The summary is the confirmation e-mail, rendered from the appointment when it is
sent, to the address the caller gives; it goes through the outbox like every
message.  Flushes, never commits.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.citizen_details import DetailError, normalize_email
from booking.appointments.errors import N_, DetailsRefused, InvalidTransition
from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind
from booking.data.models import Appointment
from booking.messages.outbox import add_message
from booking.staff.audit import AuditAction, record


def email_summary(
    session: Session, appointment: Appointment, *, email: str, now: datetime, by_user_id: int
) -> str:
    """Queue the summary of ``appointment`` to ``email``; returns the address as written.

    The same address gets one summary per version of the appointment (a second
    press of the button writes nothing new)."""
    if appointment.status is not AppointmentStatus.BOOKED:
        raise InvalidTransition()
    try:
        address = normalize_email(email)
    except DetailError as error:
        raise DetailsRefused({"email": error.msgid}) from error
    if address is None:
        raise DetailsRefused({"email": N_("Enter an e-mail address.")})
    queued = add_message(
        session,
        appointment,
        MessageKind.CONFIRMATION,
        MessageChannel.EMAIL,
        address,
        due_at=now,
        now=now,
        manage_url=None,  # made again when sent
        key_suffix="summary:" + hashlib.sha256(address.encode()).hexdigest()[:16],
    )
    if queued is not None:
        record(
            session,
            user_id=by_user_id,
            action=AuditAction.EMAIL_SUMMARY,
            now=now,
            appointment_id=appointment.id,
        )
    session.flush()
    return address
