"""The outbox: the messages a booking change causes, written in the change's transaction.

The booking use cases call :func:`queue_appointment_messages` after they have
changed the appointment (its ``revision`` already raised for a move or a
cancellation) and before the request commits; the scheduler sends the rows
later. Each row has a unique idempotency key
``{appointment id}:{kind}:{revision}:{channel}``, so queueing twice writes once.

Rules (Helsinki wall time):
- confirmation, moved, cancelled: now, by SMS to a number that takes one (a
  mobile of any country, see ``sms_numbers``) and by e-mail when the citizen
  gave an address;
- reminders: the day before at 12:00, and at 08:00 on the day when the
  appointment starts at 10:00 or later; by SMS, by e-mail only when the number
  takes no SMS; none that would arrive within an hour of now;
- quiet hours 21:00–08:00: only confirmations and cancellations go out at
  night, reminders wait for the morning;
- a move or a cancellation skips the appointment's pending messages of older
  revisions (its old reminders), so nothing stale is sent; a "moved" message
  still waiting is brought up to the new time instead of adding another, so
  moving back and forth sends one text, not one a move;
- an SMS beyond the number's daily budget (``sms_budget``) is written as
  ``over_limit`` and never sent;
- a hold's verification code goes at once, by SMS only.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from booking.data.enums import MessageChannel, MessageKind, MessageStatus
from booking.data.models import Appointment, OutboxMessage
from booking.engine.clock import HELSINKI, require_aware, to_helsinki
from booking.messages.sms_budget import sms_left_today
from booking.messages.sms_numbers import sms_capable

REMINDER_KINDS = frozenset({MessageKind.REMINDER_DAY_BEFORE, MessageKind.REMINDER_MORNING})
#: Answers to something the citizen (or an advisor for them) just did: sent at any hour.
IMMEDIATE_KINDS = frozenset({MessageKind.CONFIRMATION, MessageKind.MOVED, MessageKind.CANCELLED})
#: Sent at any hour: those answers, and the code the citizen is waiting for.
AT_ANY_HOUR = IMMEDIATE_KINDS | {MessageKind.VERIFICATION_CODE}

DAY_BEFORE_AT = time(12, 0)
MORNING_AT = time(8, 0)
#: A morning reminder only for appointments from this time on (earlier ones: the day before).
MORNING_REMINDER_FROM = time(10, 0)
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
#: No reminder this soon after the confirmation that was just sent.
REMINDER_MIN_LEAD = timedelta(hours=1)


def idempotency_key(appointment_id: int, kind: str, revision: int, channel: str) -> str:
    return f"{appointment_id}:{kind}:{revision}:{channel}"


def outside_quiet_hours(kind: str, due_at: datetime) -> datetime:
    """``due_at``, or the next 08:00 Helsinki when a reminder would land in the night."""
    if kind in AT_ANY_HOUR:
        return due_at
    local = to_helsinki(due_at)
    if local.time() >= QUIET_FROM:
        morning = datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, HELSINKI)
    elif local.time() < QUIET_UNTIL:
        morning = datetime.combine(local.date(), QUIET_UNTIL, HELSINKI)
    else:
        return due_at
    return require_aware(morning)


def reminder_times(starts_at: datetime, now: datetime) -> list[tuple[MessageKind, datetime]]:
    """When the reminders of an appointment starting at ``starts_at`` go, as UTC instants."""
    local_start = to_helsinki(starts_at)
    wanted = [
        (
            MessageKind.REMINDER_DAY_BEFORE,
            datetime.combine(local_start.date() - timedelta(days=1), DAY_BEFORE_AT, HELSINKI),
        )
    ]
    if local_start.time() >= MORNING_REMINDER_FROM:
        wanted.append(
            (
                MessageKind.REMINDER_MORNING,
                datetime.combine(local_start.date(), MORNING_AT, HELSINKI),
            )
        )
    return [
        (kind, require_aware(outside_quiet_hours(kind, due)))
        for kind, due in wanted
        if due >= now + REMINDER_MIN_LEAD and due < starts_at
    ]


def queue_appointment_messages(
    session: Session,
    appointment: Appointment,
    kind: MessageKind,
    *,
    now: datetime,
    fresh: bool = False,
) -> list[str]:
    """Write the outbox rows that ``kind`` (confirmation, moved or cancelled) causes.

    Call it after changing ``appointment`` (revision raised for moves and
    cancellations), in the same transaction; it flushes and never commits.
    The rows keep no manage link: the scheduler makes it again when it sends
    (``booking.appointments.manage_tokens``).  Returns the idempotency keys of
    the rows written now.  ``fresh``: the appointment was inserted in this
    transaction, so no row can hold its keys yet and none are looked up.
    """
    now = require_aware(now)
    kind = MessageKind(kind)
    if appointment.id is None:
        session.flush()  # the idempotency keys need the appointment's id
    if kind not in IMMEDIATE_KINDS:
        raise ValueError(f"{kind} is queued by the booking itself, not on its own")
    brought_up = set()
    if kind == MessageKind.MOVED:
        brought_up = bring_waiting_news_up_to_date(session, appointment, now=now)
    if kind in (MessageKind.MOVED, MessageKind.CANCELLED):
        skip_superseded_messages(session, appointment, cancelled=kind == MessageKind.CANCELLED)

    wanted: list[tuple[MessageKind, MessageChannel, str, datetime]] = []
    mobile = appointment.phone if sms_capable(appointment.phone) else None
    if mobile and MessageChannel.SMS not in brought_up:
        wanted.append((kind, MessageChannel.SMS, mobile, now))
    if appointment.email and MessageChannel.EMAIL not in brought_up:
        wanted.append((kind, MessageChannel.EMAIL, appointment.email, now))
    if kind != MessageKind.CANCELLED:
        reminder_channel = (
            (MessageChannel.SMS, mobile)
            if mobile
            else (MessageChannel.EMAIL, appointment.email)
            if appointment.email
            else None
        )
        if reminder_channel:
            for reminder, due_at in reminder_times(appointment.starts_at, now):
                wanted.append((reminder, *reminder_channel, due_at))

    keys = [idempotency_key(appointment.id, k, appointment.revision, c) for k, c, *_ in wanted]
    taken = set() if fresh else _keys_written(session, keys)
    rows = []
    for key, (message_kind, channel, recipient, due_at) in zip(keys, wanted, strict=True):
        if key in taken:
            continue
        status = MessageStatus.PENDING
        limited = channel == MessageChannel.SMS and message_kind in IMMEDIATE_KINDS
        if limited and sms_left_today(session, recipient, now=now) <= 0:
            status = MessageStatus.OVER_LIMIT
        rows.append(
            message_row(
                appointment, key, message_kind, channel, recipient, due_at, now, status=status
            )
        )
    if rows:  # one statement for them all, no objects: what the scheduler reads is the row
        session.execute(_INSERT_MESSAGES, rows)
    session.flush()
    return [row["idempotency_key"] for row in rows]


_INSERT_MESSAGES = OutboxMessage.__table__.insert()


def message_row(
    appointment: Appointment,
    key: str,
    kind: MessageKind,
    channel: MessageChannel,
    recipient: str,
    due_at: datetime,
    now: datetime,
    *,
    status: MessageStatus = MessageStatus.PENDING,
    manage_url: str | None = None,
    one_time_code: str | None = None,
) -> dict:
    """The columns of one outbox row about ``appointment``."""
    return {
        "idempotency_key": key,
        "appointment_id": appointment.id,
        "kind": kind,
        "channel": channel,
        "revision": appointment.revision,
        "recipient": recipient,
        "language": appointment.language,
        "status": status,
        "due_at": outside_quiet_hours(kind, due_at),
        "attempts": 0,
        "created_at": now,
        "manage_url": manage_url,
        "one_time_code": one_time_code,
    }


def add_message(
    session: Session,
    appointment: Appointment,
    kind: MessageKind,
    channel: MessageChannel,
    recipient: str,
    *,
    due_at: datetime,
    now: datetime,
    manage_url: str | None,
    status: MessageStatus = MessageStatus.PENDING,
    one_time_code: str | None = None,
    key_suffix: str = "",
) -> OutboxMessage | None:
    """Add one row unless its idempotency key is already there; returns it or None.

    ``key_suffix`` tells apart a message asked for on purpose (a summary to a given
    address) from the one the change itself sends."""
    key = idempotency_key(appointment.id, kind, appointment.revision, channel)
    if key_suffix:
        key = f"{key}:{key_suffix}"
    if key in _keys_written(session, [key]):
        return None
    message = OutboxMessage(
        **message_row(
            appointment,
            key,
            kind,
            channel,
            recipient,
            due_at,
            now,
            status=status,
            manage_url=manage_url,
            one_time_code=one_time_code,
        )
    )
    session.add(message)
    return message


def _keys_written(session: Session, keys: list[str]) -> set[str]:
    """Those of ``keys`` that rows already have."""
    return set(session.scalars(_WRITTEN_KEYS, {"keys": keys})) if keys else set()


_WRITTEN_KEYS = select(OutboxMessage.idempotency_key).where(
    OutboxMessage.idempotency_key.in_(bindparam("keys", expanding=True))
)


def queue_code_message(
    session: Session, appointment: Appointment, code: str, *, now: datetime
) -> OutboxMessage | None:
    """The SMS with a hold's verification code, due now — or the e-mail, when the
    booking has no number that takes an SMS.  The code rides in the row until the
    message is settled (the appointment keeps only its hash)."""
    if appointment.id is None:
        session.flush()
    by_sms = sms_capable(appointment.phone)
    message = add_message(
        session,
        appointment,
        MessageKind.VERIFICATION_CODE,
        MessageChannel.SMS if by_sms else MessageChannel.EMAIL,
        str(appointment.phone if by_sms else appointment.email),
        due_at=now,
        now=now,
        manage_url=None,
        one_time_code=code,
    )
    session.flush()
    return message


def bring_waiting_news_up_to_date(
    session: Session, appointment: Appointment, *, now: datetime
) -> set[MessageChannel]:
    """Point the appointment's "moved" messages that no scheduler has taken yet at its
    new revision, due now; returns the channels so served.  Rendered from the
    appointment as it is at send time, such a message tells the newest time: one who
    moves back and forth hears of it once, not once a move."""
    waiting = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.appointment_id == appointment.id,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.kind == MessageKind.MOVED,
            OutboxMessage.revision < appointment.revision,
        )
        .order_by(OutboxMessage.id)
    ).all()
    served: set[MessageChannel] = set()
    for message in waiting:
        if message.channel in served:
            continue  # two waiting on one channel: the older one is skipped as superseded
        message.revision = appointment.revision
        message.idempotency_key = idempotency_key(
            appointment.id, message.kind, appointment.revision, message.channel
        )
        message.due_at = now
        served.add(message.channel)
    session.flush()
    return served


def skip_superseded_messages(session: Session, appointment: Appointment, *, cancelled: bool) -> int:
    """Mark pending messages that no longer hold SKIPPED: of older revisions, or all of a
    cancelled appointment's. Messages a scheduler holds right now are left to it (it
    re-checks the appointment before sending)."""
    condition = [
        OutboxMessage.appointment_id == appointment.id,
        OutboxMessage.status == MessageStatus.PENDING,
    ]
    if not cancelled:
        condition.append(OutboxMessage.revision < appointment.revision)
    result = session.execute(
        update(OutboxMessage)
        .where(*condition)
        .values(status=MessageStatus.SKIPPED, last_error="superseded")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def queue_email_instead(
    session: Session, failed: OutboxMessage, *, now: datetime
) -> OutboxMessage | None:
    """After an SMS failed for good, send the same message by e-mail if there is an address.

    Nothing is written when the appointment has no e-mail or when that e-mail
    is already queued or sent (confirmations go by both channels anyway).
    """
    appointment = failed.appointment
    if (
        failed.channel != MessageChannel.SMS
        or failed.kind == MessageKind.VERIFICATION_CODE
        or appointment is None
        or not appointment.email
        or appointment.personal_data_erased_at is not None
        or failed.revision != appointment.revision
    ):
        return None
    message = add_message(
        session,
        appointment,
        failed.kind,
        MessageChannel.EMAIL,
        appointment.email,
        due_at=now,
        now=now,
        manage_url=failed.manage_url,
    )
    session.flush()
    return message
