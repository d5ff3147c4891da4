"""A budget per mobile number: how many SMS one number may be sent in a day.

Whoever books, moves or cancels chooses the number the texts go to, and nothing
but a verification code proves it is theirs; so every number gets at most
``SMS_PER_NUMBER_PER_DAY`` texts in any 24 hours outside reminders (codes,
confirmations, moves, cancellations), however many appointments name it.  An
SMS over the budget is written to the outbox as ``over_limit`` — never sent,
and shown on the desk's appointment page — and the e-mail, when there is an
address, goes as usual.  The count is read from the outbox itself, under the
number's own lock (``booking.data.advisory_locks.lock_number``, taken by the
counting functions themselves), so it holds across processes and servers: a
code for a booking at one point and a cancellation's text from another agency
are counted one after the other, not side by side.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from booking.data.advisory_locks import lock_number
from booking.data.enums import MessageChannel, MessageKind, MessageStatus
from booking.data.models import OutboxMessage

SMS_PER_NUMBER_PER_DAY = 5
#: Codes one number may be sent in an hour (within the day's budget).
CODES_PER_NUMBER_PER_HOUR = 3
BUDGET_WINDOW = timedelta(hours=24)
CODE_WINDOW = timedelta(hours=1)

#: Messages that are sent when their time comes, which the citizen asked for by booking.
UNLIMITED_KINDS = (MessageKind.REMINDER_DAY_BEFORE, MessageKind.REMINDER_MORNING)
#: Statuses of messages that went or may still go.
SPENT_STATUSES = (
    MessageStatus.PENDING,
    MessageStatus.CLAIMED,
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.FAILED,
)


def sms_left_today(session: Session, phone: str, *, now: datetime) -> int:
    """How many more SMS ``phone`` may be sent now (outside reminders); 0 or more.

    Takes ``phone``'s lock first and holds it until the transaction ends, so that the
    SMS this transaction then writes is counted by the next one, whatever it does."""
    lock_number(session, phone)
    sent = session.scalar(_SPENT, {"phone": phone, "since": now - BUDGET_WINDOW})
    return max(SMS_PER_NUMBER_PER_DAY - (sent or 0), 0)


#: The SMS counted against ``:phone``'s budget, written after ``:since`` (built once,
#: of the table's columns: every booking that texts counts them under its locks).
_MESSAGE = OutboxMessage.__table__.c
_SPENT = select(func.count(_MESSAGE.id)).where(
    _MESSAGE.recipient == bindparam("phone"),
    _MESSAGE.channel == MessageChannel.SMS,
    _MESSAGE.kind.not_in(UNLIMITED_KINDS),
    _MESSAGE.status.in_(SPENT_STATUSES),
    _MESSAGE.created_at > bindparam("since"),
)


def codes_left_this_hour(session: Session, phone: str, *, now: datetime) -> int:
    """How many more verification codes ``phone`` may be sent now; 0 or more (counted
    under ``phone``'s lock, as :func:`sms_left_today`)."""
    lock_number(session, phone)
    sent = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient == phone,
            OutboxMessage.kind == MessageKind.VERIFICATION_CODE,
            OutboxMessage.created_at > now - CODE_WINDOW,
        )
    )
    return max(CODES_PER_NUMBER_PER_HOUR - (sent or 0), 0)
