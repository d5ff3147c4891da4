"""The expert's morning agenda, and the scheduler entry point run once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.data.enums import AppointmentStatus
from booking.engine.clock import utc_now
from config.settings import settings_from_env
from scheduler.agenda import queue_daily_agendas
from scheduler.app import run_scheduler
from tests.scheduler.conftest import ACCOUNT_SID

#: Mon 30.3.2026 07:00 Helsinki (UTC+3).
MONDAY_SEVEN = datetime(2026, 3, 30, 4, 0, tzinfo=UTC)


def at_helsinki(hour: int, minute: int = 0) -> datetime:
    return MONDAY_SEVEN + timedelta(hours=hour - 7, minutes=minute)


def test_each_expert_gets_her_days_calls_once_in_the_morning(
    session, factory, world, dispatcher, smtp, clock
):
    point, service = world["point"], world["service"]
    for hour in (13, 10):
        factory.appointment(point=point, service=service, starts_at=at_helsinki(hour))
    factory.appointment(
        point=point,
        service=service,
        starts_at=at_helsinki(11),
        status=AppointmentStatus.CANCELLED,
    )
    factory.appointment(point=point, service=service, starts_at=at_helsinki(10) + timedelta(1))

    assert queue_daily_agendas(session, now=MONDAY_SEVEN) == 1
    assert queue_daily_agendas(session, now=MONDAY_SEVEN + timedelta(minutes=5)) == 0
    session.commit()
    clock.set(MONDAY_SEVEN)
    assert dispatcher.dispatch_batch().sent == 1

    [mail] = smtp.messages
    assert mail["To"] == "kela-anna@agency.invalid"
    assert mail["Subject"] == "Päivän etäasiointiajat ma 30.3.2026"
    lines = [line for line in mail.get_body(("plain",)).get_content().splitlines() if " | " in line]
    assert [line.split(" | ")[0] for line in lines] == ["10.00–10.30", "13.00–13.30"]
    assert "040" not in mail.get_body(("plain",)).get_content()  # no phone numbers


def test_no_agenda_is_queued_in_the_afternoon(session, factory, world):
    factory.appointment(point=world["point"], service=world["service"], starts_at=at_helsinki(14))
    assert queue_daily_agendas(session, now=at_helsinki(12, 30)) == 0


def test_run_scheduler_once_sends_what_is_due_and_exits(database_url, session, book, twilio, smtp):
    now = utc_now()
    book(now + timedelta(days=3), now=now)
    report = run_scheduler(
        settings_from_env(
            {
                "BOOKING_DATABASE_URL": database_url,
                "BOOKING_BASE_URL": "http://booking.test",
                "BOOKING_SMS_BACKEND": "twilio",
                "BOOKING_TWILIO_API_BASE": twilio.base_url,
                "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": "test-token",
                "BOOKING_SMTP_URL": smtp.url,
                "BOOKING_MAIL_FROM": "etavaraus@keskisuomi.invalid",
            }
        ),
        once=True,
    )
    assert (report.sent, report.failed) == (1, 0)
    [delivery] = twilio.deliveries
    assert delivery.body.startswith("Aikasi on varattu: Kela")
