"""Dispatch through the real twilio client and smtplib to local fakes: once, right, on time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import vobject
from sqlalchemy import select

from booking.appointments.lifecycle import (
    BookingRequest,
    book_appointment,
    cancel_appointment,
    move_appointment,
)
from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind, MessageStatus
from booking.data.models import Appointment, OutboxMessage
from booking.data.sessions import read_only
from booking.messages.outbox import queue_appointment_messages
from scheduler.dispatch import DispatchReport, release_stale_claims
from tests.factories import NOW
from tests.scheduler.conftest import LINKS, make_dispatcher

#: Mon 30.3.2026 10:00 Helsinki, the day after clocks went forward (UTC+3).
MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
#: Fri 27.3.2026 10:00 Helsinki, before the change (UTC+2).
FRIDAY_TEN = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
#: Sun 29.3.2026 12:00 Helsinki: the day-before reminder of MONDAY_TEN.
SUNDAY_NOON = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)


def outbox(session, **where):
    """The outbox rows as they are now. Reads in a short read-only transaction, so that
    the test's session never holds SQLite's write lock while the dispatcher works."""
    session.commit()
    query = (
        select(OutboxMessage).order_by(OutboxMessage.id).execution_options(populate_existing=True)
    )
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    with read_only():
        rows = session.scalars(query).all()
        session.commit()
    return rows


def invite(message):
    [attachment] = list(message.iter_attachments())
    return attachment.get_param("method"), vobject.readOne(attachment.get_content())


def test_confirmation_arrives_once_by_sms_and_email_in_the_citizens_language(
    session, book, dispatcher, twilio, smtp
):
    appointment = book(MONDAY_TEN, language="sv", email="maija@example.org")
    token = LINKS.token(appointment.ical_uid)
    report = dispatcher.dispatch_batch()
    assert (report.sent, report.failed) == (2, 0)
    [sms] = twilio.deliveries
    assert sms.body.startswith("Din tid är bokad: Kela mån 30.3.2026 kl. 10.00.")
    assert sms.body.endswith(f"http://booking.test/manage/{token}")
    assert sms.status_callback == "http://booking.test/api/v1/webhooks/twilio/status"
    [mail] = smtp.messages
    assert mail["Subject"] == "Bokningsbekräftelse: Kela mån 30.3.2026 kl. 10.00"
    method, calendar = invite(mail)
    assert method == "REQUEST"
    assert calendar.vevent.dtstart.value.hour == 10

    sent = outbox(session, kind=MessageKind.CONFIRMATION)
    assert {m.status for m in sent} == {MessageStatus.SENT}
    [sms_row] = [m for m in sent if m.channel == MessageChannel.SMS]
    assert sms_row.provider_id == sms.sid
    assert "[manage link]" in sms_row.body and token not in sms_row.body
    assert sms_row.manage_url is None  # made again when sent, kept nowhere

    assert dispatcher.dispatch_batch().claimed == 0  # the reminders are not due yet
    assert len(twilio.deliveries) == 1


def test_helsinki_time_is_right_before_and_after_the_dst_change(book, dispatcher, twilio):
    book(FRIDAY_TEN)
    book(MONDAY_TEN)
    dispatcher.dispatch_batch()
    bodies = sorted(delivery.body for delivery in twilio.deliveries)
    assert "Aikasi on varattu: Kela ma 30.3.2026 klo 10.00." in bodies[0]
    assert "Aikasi on varattu: Kela pe 27.3.2026 klo 10.00." in bodies[1]


def test_book_move_cancel_send_request_request_cancel_with_rising_sequence(
    session, world, dispatcher, twilio, smtp, clock
):
    result = book_appointment(
        session,
        BookingRequest(
            point_id="testila",
            service_id="kela-benefits",
            starts_at=MONDAY_TEN,
            name="Maija Meikäläinen",
            phone="040 123 4567",
            email="maija@example.org",
        ),
        now=NOW,
        links=LINKS,
    )
    session.commit()
    dispatcher.dispatch_batch()
    appointment = session.get(Appointment, result.appointment.id)
    move_appointment(session, appointment, MONDAY_TEN + timedelta(days=1), now=NOW)
    session.commit()
    dispatcher.dispatch_batch()
    cancel_appointment(session, appointment, now=NOW)
    session.commit()
    dispatcher.dispatch_batch()

    texts = [delivery.body for delivery in twilio.deliveries]
    assert [text.split(":")[0] for text in texts] == [
        "Aikasi on varattu",
        "Aikasi on siirretty",
        "Aikasi on peruttu",
    ]
    assert "ti 31.3.2026 klo 10.00" in texts[1]
    invites = [invite(mail) for mail in smtp.messages]
    assert [method for method, _ in invites] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [cal.vevent.sequence.value for _, cal in invites] == ["0", "1", "2"]
    assert len({cal.vevent.uid.value for _, cal in invites}) == 1
    # Nothing else is waiting: the old reminders were skipped.
    clock.set(MONDAY_TEN + timedelta(days=1))
    assert dispatcher.dispatch_batch().claimed == 0
    assert len(twilio.deliveries) == 3


def test_a_reminder_follows_the_appointment_to_its_new_time(
    session, book, dispatcher, twilio, clock
):
    appointment = book(MONDAY_TEN)
    dispatcher.dispatch_batch()
    # The day-before reminder is claimed by a worker just as the appointment moves to 14:00.
    clock.set(SUNDAY_NOON)
    [claimed_id] = dispatcher.claim(clock())
    appointment.starts_at += timedelta(hours=4)
    appointment.ends_at += timedelta(hours=4)
    appointment.blocked_until += timedelta(hours=4)
    appointment.revision += 1
    queue_appointment_messages(session, appointment, MessageKind.MOVED, now=clock())
    session.commit()
    report = DispatchReport()
    lease_end = clock() + timedelta(seconds=60)
    dispatcher.send_claimed([claimed_id], now=clock(), claimed_until=lease_end, report=report)
    assert report.skipped == 1  # it spoke of 10:00: not sent
    dispatcher.dispatch_batch()
    clock.set(datetime(2026, 3, 30, 5, 0, tzinfo=UTC))  # Monday 08:00
    dispatcher.dispatch_batch()
    texts = [delivery.body for delivery in twilio.deliveries]
    assert len(texts) == 3
    assert texts[1].startswith("Aikasi on siirretty: Kela ma 30.3.2026 klo 14.00.")
    assert texts[2].startswith("Muistutus: Kela tänään klo 14.00.")


def test_reminders_of_a_cancelled_appointment_are_not_sent(
    session, book, dispatcher, twilio, clock
):
    appointment = book(MONDAY_TEN)
    dispatcher.dispatch_batch()
    appointment.status = AppointmentStatus.CANCELLED  # e.g. cancelled by a data fix
    session.commit()
    clock.set(SUNDAY_NOON)
    report = dispatcher.dispatch_batch()
    assert (report.claimed, report.skipped, report.sent) == (1, 1, 0)
    assert len(twilio.deliveries) == 1
    [reminder] = outbox(session, kind=MessageKind.REMINDER_DAY_BEFORE)
    assert reminder.status == MessageStatus.SKIPPED
    assert reminder.last_error == "appointment cancelled"


def test_a_foreign_mobile_gets_its_sms(book, dispatcher, twilio):
    book(MONDAY_TEN, phone="+37251234567", language="en")  # an Estonian mobile
    assert dispatcher.dispatch_batch().sent == 1
    [sms] = twilio.deliveries
    assert sms.to == "+37251234567"
    assert sms.body.startswith("Your appointment is booked")


def test_no_sms_goes_to_a_number_that_takes_none_and_the_e_mail_goes_instead(
    session, book, dispatcher, twilio, smtp, clock
):
    appointment = book(MONDAY_TEN, email="maija@example.org")
    appointment.phone = "+35814123456"  # a landline, e.g. after a data fix
    session.commit()
    report = dispatcher.dispatch_batch()
    assert (report.sent, report.skipped) == (1, 1)  # the e-mail confirmation went
    clock.set(SUNDAY_NOON)
    dispatcher.dispatch_batch()  # the SMS reminder is skipped and queues an e-mail
    dispatcher.dispatch_batch()
    assert twilio.deliveries == []
    sms = {row.kind: row for row in outbox(session, channel=MessageChannel.SMS)}
    for kind in (MessageKind.CONFIRMATION, MessageKind.REMINDER_DAY_BEFORE):
        assert sms[kind].status == MessageStatus.SKIPPED
        assert sms[kind].last_error == "no number that takes an SMS"
    assert [mail["Subject"] for mail in smtp.messages] == [
        "Varausvahvistus: Kela ma 30.3.2026 klo 10.00",
        "Muistutus: Kela ma 30.3.2026 klo 10.00",
    ]


def test_server_errors_back_off_exponentially_then_send_once(
    session, book, dispatcher, twilio, clock
):
    book(MONDAY_TEN)
    twilio.fail_next(500, times=2)
    assert dispatcher.dispatch_batch().retried == 1
    [row] = outbox(session, kind=MessageKind.CONFIRMATION)
    assert row.due_at == NOW + timedelta(seconds=30)
    assert dispatcher.dispatch_batch().claimed == 0  # not before its time
    clock.move(seconds=30)
    assert dispatcher.dispatch_batch().retried == 1
    [row] = outbox(session, kind=MessageKind.CONFIRMATION)
    assert row.due_at == clock() + timedelta(seconds=60)
    clock.move(seconds=60)
    assert dispatcher.dispatch_batch().sent == 1
    [row] = outbox(session, kind=MessageKind.CONFIRMATION)
    assert (row.status, row.attempts) == (MessageStatus.SENT, 3)
    assert len(twilio.deliveries) == 1


def test_a_slow_gateway_times_out_and_the_message_goes_on_the_retry(
    session, book, clean_database, twilio, smtp, clock
):
    dispatcher = make_dispatcher(clean_database, twilio, smtp, sms_timeout=0.2)
    book(MONDAY_TEN)
    twilio.delay = 0.6
    assert dispatcher.dispatch_batch().retried == 1
    twilio.delay = 0
    clock.move(seconds=30)
    assert dispatcher.dispatch_batch().sent == 1
    [row] = outbox(session, kind=MessageKind.CONFIRMATION)
    assert (row.status, row.attempts) == (MessageStatus.SENT, 2)
    assert len(twilio.deliveries) == 1


def test_after_the_last_attempt_the_message_is_failed_and_says_why(
    session, book, clean_database, twilio, smtp, clock
):
    dispatcher = make_dispatcher(clean_database, twilio, smtp, max_attempts=3)
    book(MONDAY_TEN)
    twilio.fail_next(503, times=10)
    for _ in range(3):
        dispatcher.dispatch_batch()
        clock.move(hours=1)
    [row] = outbox(session, kind=MessageKind.CONFIRMATION)
    assert row.status == MessageStatus.FAILED
    assert row.last_error == "twilio error 20500 (HTTP 503)"
    assert twilio.deliveries == []


def test_an_invalid_number_fails_at_once_and_the_reminder_goes_by_email(
    session, book, dispatcher, twilio, smtp, clock
):
    appointment = book(MONDAY_TEN, email="maija@example.org")
    twilio.permanent.add(appointment.phone)
    dispatcher.dispatch_batch()
    [sms] = outbox(session, kind=MessageKind.CONFIRMATION, channel=MessageChannel.SMS)
    assert (sms.status, sms.attempts) == (MessageStatus.FAILED, 1)
    assert "21211" in sms.last_error and appointment.phone not in sms.last_error
    clock.set(SUNDAY_NOON)
    dispatcher.dispatch_batch()  # the SMS reminder fails and queues an e-mail instead
    dispatcher.dispatch_batch()
    subjects = [mail["Subject"] for mail in smtp.messages]
    assert subjects == [
        "Varausvahvistus: Kela ma 30.3.2026 klo 10.00",
        "Muistutus: Kela ma 30.3.2026 klo 10.00",
    ]


def test_a_reminder_reached_at_night_waits_for_the_morning(
    session, book, dispatcher, twilio, clock
):
    book(MONDAY_TEN)
    dispatcher.dispatch_batch()
    clock.set(datetime(2026, 3, 29, 20, 30, tzinfo=UTC))  # Sun 23:30: the scheduler was down
    report = dispatcher.dispatch_batch()
    assert (report.claimed, report.sent) == (1, 0)
    [reminder] = outbox(session, kind=MessageKind.REMINDER_DAY_BEFORE)
    assert (reminder.status, reminder.due_at) == (
        MessageStatus.PENDING,
        datetime(2026, 3, 30, 5, 0, tzinfo=UTC),  # Mon 08:00
    )
    clock.set(datetime(2026, 3, 30, 5, 0, tzinfo=UTC))
    assert dispatcher.dispatch_batch().sent == 2  # the day-before and the morning reminder
    assert len(twilio.deliveries) == 3


def test_a_dead_workers_claims_are_taken_over_after_the_lease(
    session, book, clean_database, twilio, smtp, clock
):
    book(MONDAY_TEN)
    crashed = make_dispatcher(clean_database, twilio, smtp)
    survivor = make_dispatcher(clean_database, twilio, smtp)
    assert len(crashed.claim(clock())) == 1  # …and then the process dies
    assert survivor.dispatch_batch().claimed == 0
    clock.move(seconds=61)
    released = release_stale_claims(session, now=clock())
    session.commit()
    assert released == 1
    assert survivor.dispatch_batch().sent == 1
    assert len(twilio.deliveries) == 1


def test_a_worker_whose_lease_ran_out_does_not_send(
    session, book, clean_database, twilio, smtp, clock
):
    book(MONDAY_TEN)
    slow = make_dispatcher(clean_database, twilio, smtp)
    claimed_at = clock()
    [message_id] = slow.claim(claimed_at)
    clock.move(seconds=58)  # inside the safety margin before the lease ends
    report = DispatchReport()
    lease_end = claimed_at + timedelta(seconds=60)
    slow.send_claimed([message_id], now=claimed_at, claimed_until=lease_end, report=report)
    assert report.lost == 1
    assert twilio.deliveries == []
