"""Keep an appointment's anonymous fact row in step with it, in the same transaction.

Booking writes the row; moving, cancelling, the call's start and end, done,
no-show and a technical failure rewrite it from the appointment's state.  The
row holds nothing personal (see :mod:`booking.data.appointment_facts`); the
appointment reaches it by ``fact_id`` until the retention purge erases that
link, after which the row is never touched again.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from booking.data.appointment_facts import AppointmentFact
from booking.data.enums import AppointmentStatus, BookingChannel, CancelledBy
from booking.data.figures_models import forget_totals
from booking.data.models import Appointment
from booking.engine.clock import to_helsinki

#: Fact ids are drawn from [1, 2**63): random, positive, a BIGINT on every backend.
FACT_ID_BITS = 63
FACTS = AppointmentFact.__table__


def record_fact(
    session: Session, appointment: Appointment, *, cancelled_by: CancelledBy | None = None
) -> AppointmentFact | None:
    """Write the fact of ``appointment`` as it stands now; flushes.

    Nothing is written for an appointment whose personal data is already erased:
    its fact was unlinked then, and writing another would count it twice."""
    if not _counted(appointment):
        return None
    values = fact_values(
        appointment,
        municipality_id=appointment.point.municipality_id,
        agency_id=appointment.service.agency_id,
    )
    if cancelled_by is not None:
        values["cancelled_by"] = cancelled_by.value
    fact = session.get(AppointmentFact, appointment.fact_id) if appointment.fact_id else None
    # A month already counted is counted afresh from its facts until it is summarized again.
    forget_totals(session, [values["month"]] + ([fact.month] if fact is not None else []))
    if fact is None:
        fact = AppointmentFact(id=_new_fact_id(), **values)
        session.add(fact)
        appointment.fact_id = fact.id
    else:
        for name, value in values.items():
            setattr(fact, name, value)
    session.flush()
    return fact


def new_fact_row(appointment: Appointment, *, municipality_id: str, agency_id: str) -> dict | None:
    """The fact row of a new ``appointment``, for the caller to insert beside it, in
    its savepoint (it sets ``fact_id``, so the appointment's insert carries it), after
    dropping the totals of its month (:func:`forget_totals`) under its write locks;
    None for a hold, which is counted once its code is typed.  A plain row, not an
    object: nothing reads it back in the booking's transaction."""
    if not _counted(appointment):
        return None
    row = {"id": _new_fact_id()}
    row.update(fact_values(appointment, municipality_id=municipality_id, agency_id=agency_id))
    appointment.fact_id = row["id"]
    return row


def _counted(appointment: Appointment) -> bool:
    if appointment.personal_data_erased_at is not None:
        return False
    # An unconfirmed hold is no booking: counted once its code is typed.
    return appointment.status not in (AppointmentStatus.HELD, AppointmentStatus.EXPIRED)


def fact_values(appointment: Appointment, *, municipality_id: str, agency_id: str) -> dict:
    """The fact's columns from the appointment's state (all but ``id`` and ``cancelled_by``)."""
    status = appointment.status
    starts_at = appointment.starts_at
    cancelled = status is AppointmentStatus.CANCELLED
    call_minutes = _minutes_between(appointment.call_started_at, appointment.call_ended_at)
    booked_minutes = 0 if cancelled else _minutes_between(starts_at, appointment.ends_at)
    if call_minutes is not None:
        used_minutes = call_minutes
    elif status is AppointmentStatus.DONE:
        used_minutes = booked_minutes  # done without the call's times: the slot was used
    else:
        used_minutes = 0
    waiting_minutes = None
    if appointment.checked_in_at is not None and appointment.call_started_at is not None:
        waited_from = max(appointment.checked_in_at, starts_at)
        waiting_minutes = max(0, _minutes_between(waited_from, appointment.call_started_at))
    cancel_notice_hours = None
    if cancelled and appointment.cancelled_at is not None:
        notice = (starts_at - appointment.cancelled_at).total_seconds()
        cancel_notice_hours = math.floor(notice / 3600)
    failed = status is AppointmentStatus.TECHNICAL_FAILURE
    return {
        "month": to_helsinki(starts_at).strftime("%Y-%m"),
        "municipality_id": municipality_id,
        "point_id": appointment.point_id,
        "agency_id": agency_id,
        "service_id": appointment.service_id,
        "channel": "desk" if appointment.channel is BookingChannel.DESK else "online",
        "language": appointment.language,
        "interpreter": bool(appointment.interpreter_language),
        "lead_days": max(
            0, (to_helsinki(starts_at).date() - to_helsinki(appointment.created_at).date()).days
        ),
        "outcome": status.value,
        "failure_reason": appointment.outcome_reason if failed else None,
        "cancel_notice_hours": cancel_notice_hours,
        "waiting_minutes": waiting_minutes,
        "call_minutes": call_minutes,
        "booked_minutes": booked_minutes,
        "used_minutes": used_minutes,
    }


def _minutes_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole minutes from ``start`` to ``end``, half a minute rounding up; None if either is."""
    if start is None or end is None:
        return None
    return math.floor((end - start).total_seconds() / 60 + 0.5)


def _new_fact_id() -> int:
    # Ten million rows hold two alike with a chance of about one in 200,000; the
    # primary key would then refuse the booking rather than merge two facts.
    return secrets.randbits(FACT_ID_BITS) or 1
