"""What the advisors see of the outbox: messages that did not get through, and an
appointment's message history. Read-only queries for the desk; no Flask here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from booking.models import Appointment, MessageStatus, OutboxMessage


def undelivered_messages(
    session: Session, point_ids: Iterable[str], *, now: datetime, days: int = 14
) -> list[OutboxMessage]:
    """Failed messages (refused, undelivered, out of retries) of appointments at
    ``point_ids`` from the last ``days`` days, newest first, each with its appointment
    loaded — so an advisor can call the citizen or hand over a slip."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .join(OutboxMessage.appointment)
            .options(contains_eager(OutboxMessage.appointment))
            .where(
                Appointment.point_id.in_(list(point_ids)),
                OutboxMessage.status == MessageStatus.FAILED,
                OutboxMessage.created_at >= now - timedelta(days=days),
            )
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


def message_history(session: Session, appointment_id: int) -> list[OutboxMessage]:
    """Every message of one appointment, oldest first (what went, what waits, what failed)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.appointment_id == appointment_id)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )
