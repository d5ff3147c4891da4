"""Delivered, undelivered and failed are final: a late or repeated receipt changes nothing.

Signed receipts through the real webhook; a receipt that could flip a
delivered SMS to failed would send the citizen a second message by e-mail.
"""

from __future__ import annotations

import pytest

from tests.test_webhooks import messages, post_receipt, sent_sms  # noqa: F401  (fixture)

DELIVERED = [("reminder_day_before", "sms", "delivered", "delivered")]
FAILED_WITH_EMAIL = [
    ("reminder_day_before", "sms", "failed", "undelivered"),
    ("reminder_day_before", "email", "pending", None),
]


@pytest.mark.parametrize("late", ["failed", "undelivered", "canceled", "sent", "read"])
def test_nothing_changes_a_delivered_message(client, session, sent_sms, late):  # noqa: F811
    post_receipt(client, "delivered")
    assert post_receipt(client, late).status_code == 204
    assert messages(session) == DELIVERED


@pytest.mark.parametrize("late", ["undelivered", "failed", "delivered", "sent"])
def test_nothing_changes_an_undelivered_message(client, session, sent_sms, late):  # noqa: F811
    post_receipt(client, "undelivered")
    assert post_receipt(client, late).status_code == 204
    assert messages(session) == FAILED_WITH_EMAIL  # one e-mail instead, not two


def test_a_receipt_repeated_many_times_sends_one_email(client, session, sent_sms):  # noqa: F811
    for _ in range(5):
        post_receipt(client, "failed")
    assert [row[:3] for row in messages(session)] == [
        ("reminder_day_before", "sms", "failed"),
        ("reminder_day_before", "email", "pending"),
    ]
