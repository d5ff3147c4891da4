"""The outbox rows a booking change writes: channels, keys, reminders, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from booking.data.enums import MessageKind, MessageStatus
from booking.data.models import OutboxMessage
from booking.engine.clock import to_helsinki
from booking.messages.outbox import outside_quiet_hours, queue_appointment_messages, reminder_times
from booking.messages.sms_numbers import sms_capable
from tests.factories import NOW

#: Mon 30.3.2026 10:00 Helsinki (summer time, UTC+3).
MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


@pytest.fixture
def world(factory):
    return factory.region()


def rows(session, appointment):
    session.expire_all()
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.appointment_id == appointment.id)
        .order_by(OutboxMessage.id)
    ).all()


def summary(messages):
    return {
        (
            m.kind.value,
            m.channel.value,
            m.status.value,
            to_helsinki(m.due_at).strftime("%d.%m %H:%M"),
        )
        for m in messages
    }


def book(factory, world, starts_at=MONDAY_TEN, **fields):
    return factory.appointment(
        point=world["point"], service=world["service"], starts_at=starts_at, **fields
    )


def test_confirmation_goes_by_sms_and_email_and_reminders_by_sms(session, factory, world):
    appointment = book(factory, world, email="maija@example.org")
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    session.commit()
    messages = rows(session, appointment)
    assert summary(messages) == {
        ("confirmation", "sms", "pending", "02.03 10:00"),
        ("confirmation", "email", "pending", "02.03 10:00"),
        ("reminder_day_before", "sms", "pending", "29.03 12:00"),
        ("reminder_morning", "sms", "pending", "30.03 08:00"),
    }
    assert {m.idempotency_key for m in messages} >= {
        f"{appointment.id}:confirmation:0:sms",
        f"{appointment.id}:confirmation:0:email",
    }
    assert all(m.manage_url is None for m in messages)  # the link is made when sent


def test_queueing_twice_writes_each_message_once(session, factory, world):
    appointment = book(factory, world)
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    session.commit()
    assert len(rows(session, appointment)) == 3


def test_landline_gets_no_sms_and_reminders_go_by_email(session, factory, world):
    appointment = book(factory, world, phone="+358142661111", email="maija@example.org")
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    session.commit()
    assert {(m.kind.value, m.channel.value) for m in rows(session, appointment)} == {
        ("confirmation", "email"),
        ("reminder_day_before", "email"),
        ("reminder_morning", "email"),
    }


@pytest.mark.parametrize(
    ("phone", "capable"),
    [
        ("+358401234567", True),  # Finnish mobile
        ("+3584573456789", True),  # Åland mobile (0457)
        ("+46701234567", True),  # Swedish mobile
        ("+37251234567", True),  # Estonian mobile
        ("+4520123456", True),  # Danish: the plan does not tell mobiles from landlines
        ("+12025550123", True),  # the same in the United States
        ("+35814123456", False),  # Jyväskylä landline
        ("+358181234567", False),  # Åland landline
        ("+46812345678", False),  # Stockholm landline
        ("+358201234567", False),  # 020 service number
        ("+3586001234", False),  # premium rate
        ("+358491234567", False),  # 049: not an allocated range
        ("0401234567", False),  # not E.164: the gateway takes only E.164
        ("+358 40 123 4567", False),
        ("", False),
        (None, False),
    ],
)
def test_any_country_s_mobile_takes_an_sms_and_no_landline_does(phone, capable):
    assert sms_capable(phone) is capable


@pytest.mark.parametrize("phone", ["+46701234567", "+37251234567"])
def test_foreign_mobile_gets_the_confirmation_and_reminders_by_sms(session, factory, world, phone):
    appointment = book(factory, world, phone=phone)
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    session.commit()
    assert {(m.kind.value, m.channel.value, m.recipient) for m in rows(session, appointment)} == {
        ("confirmation", "sms", phone),
        ("reminder_day_before", "sms", phone),
        ("reminder_morning", "sms", phone),
    }


def test_no_phone_and_no_email_writes_nothing(session, factory, world):
    appointment = book(factory, world, phone=None)
    assert queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW) == []


def test_move_skips_old_reminders_and_queues_new_ones(session, factory, world):
    appointment = book(factory, world)
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    session.commit()
    appointment.starts_at = datetime(2026, 3, 31, 11, 0, tzinfo=UTC)  # Tue 14:00
    appointment.ends_at = datetime(2026, 3, 31, 11, 30, tzinfo=UTC)
    appointment.blocked_until = datetime(2026, 3, 31, 11, 45, tzinfo=UTC)
    appointment.revision += 1
    queue_appointment_messages(session, appointment, MessageKind.MOVED, now=NOW)
    session.commit()
    messages = rows(session, appointment)
    # Even the unsent confirmation: the "moved" message tells the whole story now.
    assert summary(m for m in messages if m.revision == 0) == {
        ("confirmation", "sms", "skipped", "02.03 10:00"),
        ("reminder_day_before", "sms", "skipped", "29.03 12:00"),
        ("reminder_morning", "sms", "skipped", "30.03 08:00"),
    }
    assert summary(m for m in messages if m.revision == 1) == {
        ("moved", "sms", "pending", "02.03 10:00"),
        ("reminder_day_before", "sms", "pending", "30.03 12:00"),
        ("reminder_morning", "sms", "pending", "31.03 08:00"),
    }
    assert {m.manage_url for m in messages} == {None}


def test_cancel_skips_everything_pending_and_queues_the_cancellation(session, factory, world):
    appointment = book(factory, world, email="maija@example.org")
    queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=NOW)
    session.commit()
    appointment.revision += 1
    queue_appointment_messages(session, appointment, MessageKind.CANCELLED, now=NOW)
    session.commit()
    messages = rows(session, appointment)
    pending = {(m.kind.value, m.channel.value) for m in messages if m.status == "pending"}
    assert pending == {("cancelled", "sms"), ("cancelled", "email")}
    assert {m.status for m in messages if m.revision == 0} == {MessageStatus.SKIPPED}


def test_reminders_already_past_or_too_soon_are_left_out():
    # Booked on Sunday 29.3 at 13:00 for Monday 10:00: the day-before reminder (12:00) is past.
    booked_at = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    assert [kind for kind, _ in reminder_times(MONDAY_TEN, booked_at)] == ["reminder_morning"]
    # Booked at 07:30 on the day: the 08:00 reminder would follow the confirmation at once.
    booked_at = datetime(2026, 3, 30, 4, 30, tzinfo=UTC)
    assert reminder_times(MONDAY_TEN, booked_at) == []


def test_early_appointments_get_only_the_day_before_reminder():
    nine = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert [kind for kind, _ in reminder_times(nine, NOW)] == ["reminder_day_before"]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # 22:30 Helsinki on Sat 28.3 → 08:00 on Sunday 29.3, the night clocks go forward.
        (datetime(2026, 3, 28, 20, 30, tzinfo=UTC), datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),
        # 05:00 Helsinki on Sun 25.10, the night clocks go back → 08:00 winter time.
        (datetime(2026, 10, 25, 3, 0, tzinfo=UTC), datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
        # 12:00 is fine as it is.
        (datetime(2026, 3, 28, 10, 0, tzinfo=UTC), datetime(2026, 3, 28, 10, 0, tzinfo=UTC)),
    ],
)
def test_reminders_wait_out_quiet_hours_across_dst(due, expected):
    assert outside_quiet_hours(MessageKind.REMINDER_DAY_BEFORE, due) == expected


def test_confirmations_are_not_held_by_quiet_hours():
    night = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    assert outside_quiet_hours(MessageKind.CONFIRMATION, night) == night
