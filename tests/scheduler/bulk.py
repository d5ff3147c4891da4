"""Many due messages at once, written with bulk inserts (for multi-process tests and bench)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select

from booking.data.enums import MessageChannel, MessageKind, MessageStatus
from booking.data.models import Appointment, Expert, OutboxMessage, Room


def insert_due_confirmations(engine: Engine, count: int, *, now: datetime) -> list[str]:
    """``count`` booked appointments (one after another in the test world's room, starting
    tomorrow) each with a due confirmation SMS to its own number. Needs the region of
    ``Factory.region()`` in place. Returns the numbers."""
    with engine.begin() as connection:
        room = connection.execute(select(Room.id, Room.point_id)).first()
        expert_id = connection.scalar(select(Expert.id))
        first = (now + timedelta(days=1)).replace(microsecond=0)
        phones = [f"+35850{number:07d}" for number in range(count)]
        rows = []
        for number, phone in enumerate(phones):
            starts_at = first + timedelta(minutes=45 * number)
            rows.append(
                {
                    "reference": f"B{number:05d}",
                    "ical_uid": f"bulk-{number}@etavaraus.test",
                    "point_id": room.point_id,
                    "service_id": "kela-benefits",
                    "room_id": room.id,
                    "expert_id": expert_id,
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=30),
                    "blocked_until": starts_at + timedelta(minutes=45),
                    "name": "Testi Henkilö",
                    "phone": phone,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        connection.execute(insert(Appointment), rows)
        ids = dict(connection.execute(select(Appointment.phone, Appointment.id)).all())
        connection.execute(
            insert(OutboxMessage),
            [
                {
                    "idempotency_key": f"{ids[phone]}:confirmation:0:sms",
                    "appointment_id": ids[phone],
                    "kind": MessageKind.CONFIRMATION,
                    "channel": MessageChannel.SMS,
                    "revision": 0,
                    "recipient": phone,
                    "status": MessageStatus.PENDING,
                    "due_at": now,
                    "attempts": 0,
                    "created_at": now,
                }
                for phone in phones
            ],
        )
    return phones
