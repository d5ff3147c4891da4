"""Turn a claimed outbox row into what to send — from the appointment as it is now.

A reminder of a moved appointment says the new time; a reminder of a
cancelled one, or any message a newer revision has replaced, is skipped;
reminders that reach the night wait for the morning.  A verification code goes
only while its hold still stands; advisors see its text with the code hidden.
The citizen's manage link is made again here from the appointment
(``ManageLinks``): no row keeps it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.manage_tokens import ManageLinks
from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind, MessageStatus
from booking.data.models import OutboxMessage
from booking.engine.clock import to_helsinki
from booking.messages.facts import appointment_facts
from booking.messages.outbox import REMINDER_KINDS, outside_quiet_hours
from booking.messages.sms_numbers import sms_capable
from notifications.email import build_appointment_email, build_code_email
from notifications.senders import SmsMessage
from notifications.sms import render_code_sms, render_sms
from notifications.staff_email import build_staff_link_email
from scheduler.agenda import render_agenda
from scheduler.outcomes import Outgoing, Skip

LINK_PLACEHOLDER = "[manage link]"
CODE_PLACEHOLDER = "******"


def render_message(
    session: Session,
    message: OutboxMessage,
    *,
    now: datetime,
    mail_from: str,
    callback: str | None,
    base_url: str = "",
    links: ManageLinks | None = None,
) -> Outgoing | Skip:
    if message.kind == MessageKind.AGENDA:
        return render_agenda(session, message, now=now, mail_from=mail_from)
    if message.kind == MessageKind.STAFF_LINK:
        return render_staff_link(message, now=now, mail_from=mail_from)
    appointment = message.appointment
    if appointment is None or appointment.personal_data_erased_at is not None:
        return Skip("personal data erased")
    if message.kind == MessageKind.VERIFICATION_CODE:
        return render_code(message, now=now, callback=callback, mail_from=mail_from)
    if message.kind != MessageKind.CANCELLED:
        if appointment.status == AppointmentStatus.CANCELLED:
            return Skip("appointment cancelled")
        if message.revision < appointment.revision:
            return Skip("superseded by a later change")
    if message.kind in REMINDER_KINDS:
        if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
            return Skip("too late for a reminder")
        if message.kind == MessageKind.REMINDER_MORNING and (
            to_helsinki(now).date() != to_helsinki(appointment.starts_at).date()
        ):
            return Skip("too late for a reminder")
        morning = outside_quiet_hours(message.kind, now)
        if morning != now:
            return Skip("quiet hours", status=MessageStatus.PENDING, retry_at=morning)

    # The link made again (rows keep none; an older row may still carry one).
    manage_url = (links.url_of(appointment) if links else None) or message.manage_url
    facts = appointment_facts(
        appointment,
        kind=message.kind,
        organizer_email=mail_from,
        manage_url=manage_url,
        base_url=base_url,
    )
    if message.channel == MessageChannel.SMS:
        if not sms_capable(appointment.phone):
            return Skip("no number that takes an SMS", email_instead=True)
        text = render_sms(facts)
        return Outgoing(
            body=redact(text, manage_url),
            sms=SmsMessage(to=str(appointment.phone), body=text, status_callback=callback),
        )
    if not appointment.email:
        return Skip("no e-mail address")
    email = build_appointment_email(facts, sender=mail_from, stamp=now)
    text = email.get_body(("plain",))
    body = f"{email['Subject']}\n\n{text.get_content() if text else ''}"
    return Outgoing(body=redact(body, manage_url), email=email)


def render_code(
    message: OutboxMessage, *, now: datetime, callback: str | None, mail_from: str
) -> Outgoing | Skip:
    appointment = message.appointment
    code = message.one_time_code
    if (
        appointment is None
        or appointment.status != AppointmentStatus.HELD
        or appointment.expires_at is None
        or appointment.expires_at <= now
        or not code
    ):
        return Skip("the hold has ended")
    if message.channel == MessageChannel.EMAIL:
        if not appointment.email:
            return Skip("no e-mail address")
        email = build_code_email(
            appointment.language,
            code,
            appointment.expires_at,
            to=appointment.email,
            sender=mail_from,
            stamp=now,
        )
        body = f"{email['Subject']}\n\n{email.get_content()}"
        return Outgoing(body=body.replace(code, CODE_PLACEHOLDER), email=email)
    if not sms_capable(appointment.phone):
        return Skip("no mobile number")
    text = render_code_sms(appointment.language, code, appointment.expires_at)
    return Outgoing(
        body=text.replace(code, CODE_PLACEHOLDER),
        sms=SmsMessage(to=str(appointment.phone), body=text, status_callback=callback, code=code),
    )


def render_staff_link(message: OutboxMessage, *, now: datetime, mail_from: str) -> Outgoing | Skip:
    if not message.manage_url:
        return Skip("the link is gone")
    email = build_staff_link_email(
        language=message.language,
        to=message.recipient,
        link=message.manage_url,
        sender=mail_from,
        stamp=now,
    )
    text = email.get_body(("plain",))
    body = f"{email['Subject']}\n\n{text.get_content() if text else ''}"
    return Outgoing(body=redact(body, message.manage_url), email=email)


def redact(text: str, manage_url: str | None) -> str:
    return text.replace(manage_url, LINK_PLACEHOLDER) if manage_url else text
