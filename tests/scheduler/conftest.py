"""Fixtures for the scheduler: fake Twilio and SMTP servers, a dispatcher with time stopped."""

from __future__ import annotations

import pytest

from booking.appointments.manage_tokens import ManageLinks, hash_manage_token
from booking.data.enums import MessageKind
from booking.data.sessions import make_session_factory
from booking.messages.outbox import queue_appointment_messages
from notifications.senders import SmtpEmailSender, TwilioSmsSender
from scheduler.dispatch import Dispatcher, DispatchPolicy
from tests.conftest import TEST_SECRET_KEY
from tests.factories import NOW
from tests.fakes.smtp_server import FakeSmtp
from tests.fakes.twilio_server import FakeTwilio

MAIL_FROM = "etavaraus@keskisuomi.invalid"
ACCOUNT_SID = "AC" + "1" * 32
LINKS = ManageLinks.from_secret("http://booking.test", TEST_SECRET_KEY)


@pytest.fixture
def twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def smtp():
    with FakeSmtp() as fake:
        yield fake


def make_dispatcher(engine, twilio, smtp, sms_timeout=2.0, **policy) -> Dispatcher:
    return Dispatcher(
        sessions=make_session_factory(engine),
        sms=TwilioSmsSender(
            account_sid=ACCOUNT_SID,
            auth_token="test-token",
            sender="Etavaraus",
            api_base=twilio.base_url,
            timeout=sms_timeout,
        ),
        email=SmtpEmailSender(smtp.url, timeout=5),
        mail_from=MAIL_FROM,
        base_url="http://booking.test",
        manage_links=LINKS,
        policy=DispatchPolicy(**policy),
    )


@pytest.fixture
def dispatcher(clean_database, twilio, smtp, clock):
    """A dispatcher reading the stopped clock: ``clock.move``/``clock.set`` move its time."""
    return make_dispatcher(clean_database, twilio, smtp)


@pytest.fixture
def world(factory):
    return factory.region()


@pytest.fixture
def book(session, factory, world):
    """Book an appointment and queue its confirmation, as the booking use case does
    (its manage token made with :data:`LINKS`, so messages carry its link)."""

    def book(starts_at, *, now=NOW, **fields):
        appointment = factory.appointment(
            point=world["point"], service=world["service"], starts_at=starts_at, **fields
        )
        appointment.manage_token_hash = hash_manage_token(LINKS.token(appointment.ical_uid))
        queue_appointment_messages(session, appointment, MessageKind.CONFIRMATION, now=now)
        session.commit()
        return appointment

    return book
