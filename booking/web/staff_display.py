"""How staff pages show an appointment: status and SMS labels, first names, meeting links,
the waiting time, and the buttons the signed-in user may press right now.

Shared by the desk, the expert's pages and the expert's calendar feed.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload

from booking.appointments.actions import CHECK_IN_FROM, allowed_actions
from booking.appointments.citizen_details import topics_for
from booking.data.enums import (
    AppointmentStatus,
    FailureReason,
    MessageChannel,
    MessageKind,
    MessageStatus,
)
from booking.data.models import Appointment, OutboxMessage, Service
from booking.engine.clock import to_helsinki, utc_now
from booking.messages.sms_numbers import sms_capable
from booking.web.i18n import clock_time

DEFAULT_CHECK_IN_MINUTES = int(CHECK_IN_FROM.total_seconds() // 60)

STATUS_LABELS = {
    AppointmentStatus.HELD: _l("Waiting for the SMS code"),
    AppointmentStatus.EXPIRED: _l("Not confirmed"),
    AppointmentStatus.BOOKED: _l("Booked"),
    AppointmentStatus.ARRIVED: _l("Arrived"),
    AppointmentStatus.IN_CALL: _l("In call"),
    AppointmentStatus.DONE: _l("Done"),
    AppointmentStatus.NO_SHOW: _l("No-show"),
    AppointmentStatus.CANCELLED: _l("Cancelled"),
    AppointmentStatus.TECHNICAL_FAILURE: _l("Technical failure"),
}
FAILURE_LABELS = {
    FailureReason.CONNECTION: _l("Connection"),
    FailureReason.EQUIPMENT: _l("Equipment"),
    FailureReason.EXPERT_LATE: _l("Expert late"),
    FailureReason.OTHER: _l("Other"),
}
SMS_LABELS = {
    MessageStatus.PENDING: _l("SMS waiting to be sent"),
    MessageStatus.CLAIMED: _l("SMS being sent"),
    MessageStatus.SENT: _l("SMS sent"),
    MessageStatus.DELIVERED: _l("SMS delivered"),
    MessageStatus.FAILED: _l("SMS not delivered"),
    MessageStatus.OVER_LIMIT: _l("SMS not sent: the number had its day's messages"),
}

#: A message to the citizen as the desk reads it: "Text message, reminder in the morning: waiting".
CHANNEL_LABELS = {MessageChannel.SMS: _l("Text message"), MessageChannel.EMAIL: _l("E-mail")}
KIND_LABELS = {
    MessageKind.CONFIRMATION: _l("booking confirmation"),
    MessageKind.MOVED: _l("new time"),
    MessageKind.CANCELLED: _l("cancellation notice"),
    MessageKind.REMINDER_DAY_BEFORE: _l("reminder the day before"),
    MessageKind.REMINDER_MORNING: _l("reminder in the morning"),
    MessageKind.AGENDA: _l("day's agenda"),
    MessageKind.VERIFICATION_CODE: _l("verification code"),
}
MESSAGE_STATUS_LABELS = {
    MessageStatus.PENDING: _l("waiting"),
    MessageStatus.CLAIMED: _l("being sent"),
    MessageStatus.SENT: _l("sent"),
    MessageStatus.DELIVERED: _l("delivered"),
    MessageStatus.SKIPPED: _l("not needed"),
}


def message_label(message: OutboxMessage) -> str:
    """ "Text message, reminder in the morning" (the state is shown beside it)."""
    return f"{CHANNEL_LABELS[message.channel]}, {KIND_LABELS[message.kind]}"


def message_status_label(status: MessageStatus) -> str:
    return str(MESSAGE_STATUS_LABELS.get(status, ""))


def status_label(status: AppointmentStatus) -> str:
    return str(STATUS_LABELS[status])


def failure_label(reason: str | None) -> str:
    return str(FAILURE_LABELS[FailureReason(reason)]) if reason else ""


def check_in_window() -> timedelta:
    """How long before the start the desk may check a citizen in: the setting
    ``BOOKING_CHECK_IN_MINUTES`` (60), never less than none."""
    minutes = current_app.config.get("BOOKING_CHECK_IN_MINUTES", DEFAULT_CHECK_IN_MINUTES)
    return timedelta(minutes=max(0, int(minutes)))


def offered_actions(appointment: Appointment) -> frozenset[str]:
    """The buttons the signed-in user may press for ``appointment`` now (Action values):
    the same rule and check-in window the use cases refuse by."""
    return allowed_actions(
        appointment, utc_now(), current_user.role, check_in_from=check_in_window()
    )


def waited_minutes(appointment: Appointment, now: datetime | None = None) -> int | None:
    """Whole minutes an arrived citizen has waited so far (None unless she waits)."""
    if appointment.status is not AppointmentStatus.ARRIVED or appointment.checked_in_at is None:
        return None
    waited = ((now or utc_now()) - appointment.checked_in_at).total_seconds()
    return max(0, math.floor(waited / 60))


def arrival_line(appointment: Appointment, now: datetime | None = None) -> str:
    """ "Arrived at 9.52 · has waited 8 min" while she waits; "Arrived at 9.52" after."""
    if appointment.checked_in_at is None:
        return ""
    arrived = clock_time(appointment.checked_in_at)
    waited = waited_minutes(appointment, now)
    if waited is None:
        return _("Arrived at %(time)s", time=arrived)
    return _("Arrived at %(time)s · has waited %(minutes)s min", time=arrived, minutes=waited)


def sms_status(appointment: Appointment) -> MessageStatus | None:
    """The state of the latest SMS that still matters (skipped ones do not), or None."""
    for message in reversed(appointment.messages):
        if message.channel is MessageChannel.SMS and message.status is not MessageStatus.SKIPPED:
            return message.status
    return None


def sms_label(appointment: Appointment) -> str:
    state = sms_status(appointment)
    if state is None:
        return _("No SMS (printed slip)") if not can_take_sms(appointment) else _("No SMS yet")
    return str(SMS_LABELS[state])


def can_take_sms(appointment: Appointment) -> bool:
    """Whether the citizen's number gets SMS messages: the rule the outbox queues by."""
    return sms_capable(appointment.phone)


def first_name(name: str) -> str:
    """The first given name only: what an expert's list and calendar may show."""
    parts = name.split()
    return parts[0] if parts else ""


def topic_label(appointment: Appointment) -> str:
    for key, label in topics_for(appointment.service.agency_id):
        if key == appointment.topic:
            return _(label)
    return ""


def meeting_link(appointment: Appointment) -> str:
    """The agency's video meeting address for this appointment."""
    template = appointment.service.agency.meeting_link_template
    return template.replace("{reference}", appointment.reference)


def local_day(appointment: Appointment) -> date:
    return to_helsinki(appointment.starts_at).date()


def with_display_details(query: Select) -> Select:
    """Load what staff lists show of each appointment, in a fixed number of queries."""
    return query.options(
        joinedload(Appointment.service).joinedload(Service.agency),
        joinedload(Appointment.room),
        joinedload(Appointment.point),
        selectinload(Appointment.messages),
    )


def template_helpers() -> dict[str, object]:
    """For the staff blueprints' context processors."""
    return {
        "status_label": status_label,
        "message_label": message_label,
        "message_status_label": message_status_label,
        "failure_label": failure_label,
        "failure_reasons": FAILURE_LABELS,
        "actions": offered_actions,
        "waited_minutes": waited_minutes,
        "arrival_line": arrival_line,
        "sms_status": sms_status,
        "sms_label": sms_label,
        "can_take_sms": can_take_sms,
        "first_name": first_name,
        "topic_label": topic_label,
        "meeting_link": meeting_link,
    }
