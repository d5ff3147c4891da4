"""Senders against local fakes: the real twilio client and smtplib, answers classified."""

from __future__ import annotations

import pytest

from notifications.email import build_appointment_email
from notifications.senders import (
    ConsoleSmsSender,
    PermanentSendError,
    SmsMessage,
    SmtpEmailSender,
    TransientSendError,
    TwilioSmsSender,
)
from tests.fakes.smtp_server import FakeSmtp
from tests.fakes.twilio_server import FakeTwilio
from tests.notifications.sample import STAMP, facts

NUMBER = "+358401234567"


@pytest.fixture
def twilio():
    with FakeTwilio() as fake:
        yield fake


def twilio_sender(fake: FakeTwilio, timeout: float = 5.0) -> TwilioSmsSender:
    return TwilioSmsSender(
        account_sid="AC" + "0" * 32,
        auth_token="test-token",
        sender="Etavaraus",
        api_base=fake.base_url,
        timeout=timeout,
    )


def test_twilio_accepts_and_returns_the_message_sid(twilio):
    result = twilio_sender(twilio).send(
        SmsMessage(to=NUMBER, body="Aikasi on varattu", status_callback="http://b.test/cb")
    )
    [delivery] = twilio.deliveries
    assert result.provider_id == delivery.sid
    assert result.status == "queued"
    assert (delivery.to, delivery.sender) == (NUMBER, "Etavaraus")
    assert delivery.body == "Aikasi on varattu"
    assert delivery.status_callback == "http://b.test/cb"


def test_invalid_number_is_permanent_and_keeps_the_number_out_of_the_error(twilio):
    twilio.permanent.add(NUMBER)
    with pytest.raises(PermanentSendError) as caught:
        twilio_sender(twilio).send(SmsMessage(to=NUMBER, body="x"))
    assert "21211" in str(caught.value)
    assert NUMBER not in str(caught.value)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_throttling_are_transient(twilio, status):
    twilio.fail_next(status, code=20429 if status == 429 else 20500)
    with pytest.raises(TransientSendError):
        twilio_sender(twilio).send(SmsMessage(to=NUMBER, body="x"))
    assert twilio.deliveries == []


def test_slow_gateway_times_out_as_transient(twilio):
    twilio.delay = 0.5
    with pytest.raises(TransientSendError):
        twilio_sender(twilio, timeout=0.1).send(SmsMessage(to=NUMBER, body="x"))


def test_unreachable_gateway_is_transient():
    sender = TwilioSmsSender(
        account_sid="AC" + "0" * 32, auth_token="t", sender="E", api_base="http://127.0.0.1:9"
    )
    with pytest.raises(TransientSendError):
        sender.send(SmsMessage(to=NUMBER, body="x"))


def test_console_sms_prints_neither_number_nor_text(capsys):
    ConsoleSmsSender().send(SmsMessage(to=NUMBER, body="Maija Meikäläinen"))
    printed = capsys.readouterr().out
    assert NUMBER not in printed
    assert "Maija" not in printed


def test_smtp_delivers_the_email_with_its_invite():
    with FakeSmtp() as smtp:
        message = build_appointment_email(facts(), sender="e@keskisuomi.invalid", stamp=STAMP)
        result = SmtpEmailSender(smtp.url).send(message)
        [received] = smtp.messages
    assert result.provider_id == message["Message-ID"]
    assert received["Subject"] == "Varausvahvistus: Kela ma 30.3.2026 klo 10.00"
    [invite] = list(received.iter_attachments())
    assert invite.get_content_type() == "text/calendar"


def test_smtp_refused_recipient_is_permanent_and_busy_is_transient():
    with FakeSmtp() as smtp:
        smtp.handler.refuse["maija@example.org"] = "550 5.1.1 no such user"
        message = build_appointment_email(facts(), sender="e@keskisuomi.invalid", stamp=STAMP)
        with pytest.raises(PermanentSendError):
            SmtpEmailSender(smtp.url).send(message)
        smtp.handler.refuse["maija@example.org"] = "451 4.3.0 try again later"
        with pytest.raises(TransientSendError):
            SmtpEmailSender(smtp.url).send(message)
        assert smtp.messages == []


def test_smtp_server_down_is_transient():
    message = build_appointment_email(facts(), sender="e@keskisuomi.invalid", stamp=STAMP)
    with pytest.raises(TransientSendError):
        SmtpEmailSender("smtp://127.0.0.1:9", timeout=1).send(message)
