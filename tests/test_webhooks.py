"""Twilio delivery receipts: a good signature records, a bad one gets 403 and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from booking.app import create_app
from booking.data.enums import MessageChannel, MessageKind, MessageStatus
from booking.data.models import OutboxMessage
from booking.data.sessions import read_only
from tests import conftest
from tests.factories import NOW

TOKEN = "test-auth-token"
PATH = "/api/v1/webhooks/twilio/status"
PUBLIC_URL = "http://booking.test" + PATH
SID = "SM0123456789abcdef0123456789abcdef"


@pytest.fixture
def sent_sms(app, session, factory):
    """A day-before reminder SMS the gateway has accepted; the citizen also gave an e-mail."""
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    world = factory.region()
    appointment = factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        email="maija@example.org",
    )
    message = OutboxMessage(
        idempotency_key=f"{appointment.id}:reminder_day_before:0:sms",
        appointment_id=appointment.id,
        kind=MessageKind.REMINDER_DAY_BEFORE,
        channel=MessageChannel.SMS,
        revision=0,
        recipient=appointment.phone,
        status=MessageStatus.SENT,
        due_at=NOW,
        created_at=NOW,
        sent_at=NOW,
        provider_id=SID,
        delivery_status="queued",
        manage_url="http://booking.test/manage/abc",
    )
    session.add(message)
    session.commit()
    return message


def post_receipt(client, status, *, token=TOKEN, url=PUBLIC_URL, **extra):
    form = {"MessageSid": SID, "MessageStatus": status, "AccountSid": "AC" + "1" * 32, **extra}
    signature = RequestValidator(token).compute_signature(url, form)
    return client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})


def messages(session):
    session.commit()
    with read_only():
        rows = session.scalars(
            select(OutboxMessage)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        ).all()
        session.commit()
    return [(m.kind.value, m.channel.value, m.status.value, m.delivery_status) for m in rows]


def test_signed_delivered_receipt_marks_the_message_delivered(client, session, sent_sms):
    response = post_receipt(client, "delivered")
    assert response.status_code == 204
    assert messages(session) == [("reminder_day_before", "sms", "delivered", "delivered")]


def test_a_late_sent_receipt_does_not_undo_delivered(client, session, sent_sms):
    post_receipt(client, "delivered")
    post_receipt(client, "sent")
    assert messages(session) == [("reminder_day_before", "sms", "delivered", "delivered")]


@pytest.mark.parametrize(
    "forged",
    [
        {"token": "someone-elses-token"},
        {"url": "http://10.0.0.5:8000" + PATH},  # signed for the proxied address
    ],
)
def test_bad_signature_gets_403_and_changes_nothing(client, session, sent_sms, forged):
    response = post_receipt(client, "failed", **forged)
    assert response.status_code == 403
    assert messages(session) == [("reminder_day_before", "sms", "sent", "queued")]


def test_missing_signature_gets_403(client, session, sent_sms):
    response = client.post(PATH, data={"MessageSid": SID, "MessageStatus": "failed"})
    assert response.status_code == 403
    assert messages(session) == [("reminder_day_before", "sms", "sent", "queued")]


def test_undelivered_sms_is_flagged_failed_and_goes_by_email_instead(client, session, sent_sms):
    response = post_receipt(client, "undelivered", ErrorCode="30003")
    assert response.status_code == 204
    assert messages(session) == [
        ("reminder_day_before", "sms", "failed", "undelivered"),
        ("reminder_day_before", "email", "pending", None),
    ]
    with read_only():
        failed = session.get(OutboxMessage, sent_sms.id, populate_existing=True)
        assert failed.last_error == "not delivered: undelivered (error 30003)"
        session.commit()


def test_unknown_message_is_accepted_and_ignored(client, session, sent_sms):
    form = {"MessageSid": "SMunknown", "MessageStatus": "delivered"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL, form)
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 204
    assert messages(session) == [("reminder_day_before", "sms", "sent", "queued")]


def test_receipts_need_no_csrf_token_when_csrf_is_on(database_url, session, sent_sms):
    settings = conftest.test_settings(database_url, WTF_CSRF_ENABLED=True, TWILIO_AUTH_TOKEN=TOKEN)
    app = create_app(settings)
    try:
        response = post_receipt(app.test_client(), "delivered")
    finally:
        app.extensions["booking.engine"].dispose()
    assert response.status_code == 204
    assert messages(session) == [("reminder_day_before", "sms", "delivered", "delivered")]
