"""The advisors' view of the outbox: failed messages of their own points only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.message_log import message_history, undelivered_messages
from booking.models import MessageChannel, MessageKind, MessageStatus, OutboxMessage
from tests.factories import NOW

MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def add_message(session, appointment, status, *, created_at=NOW, kind=MessageKind.CONFIRMATION):
    message = OutboxMessage(
        idempotency_key=f"{appointment.id}:{kind}:{status}:sms",
        appointment_id=appointment.id,
        kind=kind,
        channel=MessageChannel.SMS,
        recipient=appointment.phone,
        status=status,
        due_at=created_at,
        created_at=created_at,
        last_error="twilio error 21211 (HTTP 400)" if status == MessageStatus.FAILED else None,
    )
    session.add(message)
    session.commit()
    return message


def test_advisors_see_failed_messages_of_their_points_newest_first(session, factory):
    world = factory.region()
    other_point = factory.point("muurame", name="Muurame")
    factory.offer("muurame", "kela-benefits")
    here = factory.appointment(point=world["point"], service=world["service"], starts_at=MONDAY_TEN)
    there = factory.appointment(
        point=other_point, service=world["service"], starts_at=MONDAY_TEN + timedelta(hours=2)
    )
    older = add_message(session, here, MessageStatus.FAILED, kind=MessageKind.REMINDER_MORNING)
    newer = add_message(session, here, MessageStatus.FAILED, created_at=NOW + timedelta(hours=1))
    add_message(session, here, MessageStatus.SENT)
    add_message(session, there, MessageStatus.FAILED)
    add_message(session, here, MessageStatus.FAILED, created_at=NOW - timedelta(days=30),
                kind=MessageKind.MOVED)  # fmt: skip

    failed = undelivered_messages(session, ["testila"], now=NOW + timedelta(hours=2))

    assert [message.id for message in failed] == [newer.id, older.id]
    assert failed[0].appointment.reference == here.reference
    assert len(message_history(session, here.id)) == 4
