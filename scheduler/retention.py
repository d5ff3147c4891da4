"""Erase personal data a set time after the appointment (BOOKING_RETENTION_DAYS, default 90).

The appointment row stays — point, service, times, status, language, topic
category — so statistics still count it; the citizen's name, numbers,
addresses, free-text needs, manage token and every message body go, and so does
the link to its anonymous fact row (``fact_id``): the council's figures are
counted from those rows, which stay exactly as they were and can no longer be
tied to anyone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from booking.data.enums import MessageKind
from booking.data.models import Appointment, OutboxMessage

BATCH = 500


def purge_personal_data(session: Session, *, now: datetime, retention_days: int) -> int:
    """Erase personal fields of appointments that ended ``retention_days`` ago or more.

    Works in batches and flushes; the job commits. Returns how many appointments
    were erased.
    """
    cutoff = now - timedelta(days=retention_days)
    ids = list(
        session.scalars(
            select(Appointment.id)
            .where(Appointment.ends_at < cutoff, Appointment.personal_data_erased_at.is_(None))
            .order_by(Appointment.id)
            .limit(BATCH)
        )
    )
    if ids:
        session.execute(
            update(Appointment)
            .where(Appointment.id.in_(ids))
            .values(
                name="",
                phone=None,
                email=None,
                needs="",
                interpreter_language=None,
                cancel_reason="",
                manage_token_hash=None,
                fact_id=None,
                personal_data_erased_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.appointment_id.in_(ids))
            .values(recipient="", body=None, manage_url=None, one_time_code=None)
            .execution_options(synchronize_session=False)
        )
    # Agendas name the day's references and needs: their bodies go on the same clock.
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == MessageKind.AGENDA,
            OutboxMessage.created_at < cutoff,
            OutboxMessage.body.is_not(None),
        )
        .values(body=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return len(ids)


def purge_all(session_factory, *, now: datetime, retention_days: int) -> int:
    """Run :func:`purge_personal_data` batch by batch, committing each, until done."""
    total = 0
    while True:
        with session_factory() as session, session.begin():
            erased = purge_personal_data(session, now=now, retention_days=retention_days)
        total += erased
        if erased < BATCH:
            return total
