"""Delivery receipts from the SMS gateway: record each message's fate.

Twilio reports queued → sent → delivered (or undelivered / failed), not
always in order, and may repeat itself; a late "sent" never overwrites
"delivered".  Delivered, undelivered, failed (and canceled, read) are final:
once one is recorded, no later receipt changes anything.  An undelivered
or failed SMS is marked FAILED — which the point's advisors see — and, when
the citizen gave an e-mail address, the same message goes by e-mail instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.enums import MessageStatus
from booking.data.models import OutboxMessage
from booking.messages.outbox import queue_email_instead

#: How far along each Twilio status is; a receipt never moves a message backwards.
PROGRESS = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
DELIVERED = {"delivered", "read"}
NOT_DELIVERED = {"undelivered", "failed", "canceled"}
FINAL = DELIVERED | NOT_DELIVERED


def record_delivery_receipt(
    session: Session,
    *,
    provider_id: str,
    status: str,
    now: datetime,
    error_code: str | None = None,
) -> OutboxMessage | None:
    """Apply one receipt; returns the message, or None for an unknown id or status.
    Flushes, never commits."""
    status = status.strip().lower()
    if status not in PROGRESS:
        return None
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_id == provider_id).with_for_update()
    )
    if message is None:
        return None
    if message.delivery_status in FINAL:
        return message  # the message's fate is known; a repeated or late receipt changes nothing
    if PROGRESS[status] < PROGRESS.get(message.delivery_status or "", -1):
        return message
    message.delivery_status = status
    if status in DELIVERED and message.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        message.status = MessageStatus.DELIVERED
    elif status in NOT_DELIVERED and message.status != MessageStatus.FAILED:
        message.status = MessageStatus.FAILED
        code = f" (error {error_code})" if error_code and error_code.isdigit() else ""
        message.last_error = f"not delivered: {status}{code}"
        queue_email_instead(session, message, now=now)
    session.flush()
    return message
