"""Many due messages at once, written with bulk inserts (for multi-process tests and bench)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select

from booking.data.enums import MessageChannel, MessageKind, MessageStatus
from booking.data.models import Appointment, Expert, OutboxMessage, Room


def insert_due_confirmations(
    engine: Engine, count: int, *, now: datetime, held_every: int = 0
) -> list[str]:
    """``count`` booked appointments (one after another in the test world's room, starting
    tomorrow) each with a due confirmation SMS to its own number. Needs the region of
    ``Factory.region()`` in place. Returns the numbers.  With ``held_every`` n, every
    n-th appointment is a hold instead, with its verification code due."""
    with engine.begin() as connection:
        room = connection.execute(select(Room.id, Room.point_id)).first()
        expert_id = connection.scalar(select(Expert.id))
        first = (now + timedelta(days=1)).replace(microsecond=0)
        phones = [f"+35850{number:07d}" for number in range(count)]
        rows = []
        held = {phone for n, phone in enumerate(phones) if held_every and n % held_every == 0}
        for number, phone in enumerate(phones):
            starts_at = first + timedelta(minutes=45 * number)
            is_held = phone in held
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
                    "status": "held" if is_held else "booked",
                    "expires_at": now + timedelta(days=1) if is_held else None,
                }
            )
        connection.execute(insert(Appointment), rows)
        ids = dict(connection.execute(select(Appointment.phone, Appointment.id)).all())

        def kind_of(phone: str) -> MessageKind:
            return MessageKind.VERIFICATION_CODE if phone in held else MessageKind.CONFIRMATION

        connection.execute(
            insert(OutboxMessage),
            [
                {
                    "idempotency_key": f"{ids[phone]}:{kind_of(phone)}:0:sms",
                    "appointment_id": ids[phone],
                    "kind": kind_of(phone),
                    "one_time_code": f"{number:06d}" if phone in held else None,
                    "channel": MessageChannel.SMS,
                    "revision": 0,
                    "recipient": phone,
                    "status": MessageStatus.PENDING,
                    "due_at": now,
                    "attempts": 0,
                    "created_at": now,
                }
                for number, phone in enumerate(phones)
            ],
        )
    return phones
