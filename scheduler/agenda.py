"""The experts' morning agenda: one e-mail per expert with calls that day.

:func:`queue_daily_agendas` writes one outbox row per expert and day (the
idempotency key makes a second run harmless); the dispatcher renders it at
send time from the day's appointments as they are then.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind, MessageStatus
from booking.data.models import Appointment, Expert, OutboxMessage, StaffUser
from booking.engine.clock import HELSINKI, require_aware, to_helsinki
from booking.messages.facts import localized_name, meeting_link
from notifications.content import LANGUAGES, AgendaFacts, AgendaItem
from notifications.email import build_agenda_email
from scheduler.outcomes import Outgoing, Skip

#: Agendas are queued only in the morning: one that arrives after lunch helps nobody.
QUEUE_UNTIL = time(12, 0)
ON_AGENDA = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


def agenda_key(expert_id: int, day: date) -> str:
    return f"agenda:{expert_id}:{day.isoformat()}:email"


def agenda_day(key: str) -> date:
    return date.fromisoformat(key.split(":")[2])


def helsinki_day_bounds(day: date) -> tuple[datetime, datetime]:
    starts = datetime.combine(day, time(0), HELSINKI)
    ends = datetime.combine(day + timedelta(days=1), time(0), HELSINKI)
    return require_aware(starts), require_aware(ends)


def expert_language(session: Session, expert: Expert) -> str:
    language = session.scalar(select(StaffUser.language).where(StaffUser.expert_id == expert.id))
    return language if language in LANGUAGES else "fi"


def day_appointments(session: Session, expert_id: int, day: date) -> list[Appointment]:
    starts, ends = helsinki_day_bounds(day)
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.expert_id == expert_id,
                Appointment.starts_at >= starts,
                Appointment.starts_at < ends,
                Appointment.status.in_(ON_AGENDA),
            )
            .order_by(Appointment.starts_at)
        )
    )


def queue_daily_agendas(session: Session, *, now: datetime) -> int:
    """Queue today's agenda for every active expert with an e-mail and calls today.
    Flushes, never commits; returns how many were queued now."""
    local = to_helsinki(now)
    if local.time() >= QUEUE_UNTIL:
        return 0
    day = local.date()
    starts, ends = helsinki_day_bounds(day)
    expert_ids = session.scalars(
        select(Appointment.expert_id)
        .where(
            Appointment.starts_at >= starts,
            Appointment.starts_at < ends,
            Appointment.status.in_(ON_AGENDA),
        )
        .distinct()
    )
    queued = 0
    for expert_id in sorted(expert_ids):
        expert = session.get(Expert, expert_id)
        if expert is None or not expert.active or not expert.email:
            continue
        key = agenda_key(expert.id, day)
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
            continue
        session.add(
            OutboxMessage(
                idempotency_key=key,
                expert_id=expert.id,
                kind=MessageKind.AGENDA,
                channel=MessageChannel.EMAIL,
                revision=0,
                recipient=expert.email,
                language=expert_language(session, expert),
                status=MessageStatus.PENDING,
                due_at=now,
                attempts=0,
                created_at=now,
            )
        )
        queued += 1
    session.flush()
    return queued


def render_agenda(
    session: Session, message: OutboxMessage, *, now: datetime, mail_from: str
) -> Outgoing | Skip:
    """The agenda e-mail for ``message`` (an AGENDA row), or a Skip."""
    day = agenda_day(message.idempotency_key)
    if to_helsinki(now).date() != day:
        return Skip("too late for the agenda")
    expert = session.get(Expert, message.expert_id) if message.expert_id else None
    if expert is None or not expert.email:
        return Skip("no e-mail address")
    language = message.language if message.language in LANGUAGES else "fi"
    items = tuple(
        AgendaItem(
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            reference=appointment.reference,
            service_name=localized_name(appointment.service, language),
            point_name=localized_name(appointment.point, language),
            room_name=appointment.room.name,
            language=appointment.language,
            needs=appointment.needs,
            meeting_link=meeting_link(appointment.service.agency, appointment.reference),
        )
        for appointment in day_appointments(session, expert.id, day)
    )
    email = build_agenda_email(
        AgendaFacts(
            language=language,
            expert_name=expert.name,
            expert_email=expert.email,
            day=day,
            items=items,
        ),
        sender=mail_from,
        stamp=now,
    )
    text = email.get_body(("plain",))
    return Outgoing(body=f"{email['Subject']}\n\n{text.get_content() if text else ''}", email=email)
