"""The expert's personal calendar feed: a secret token, and the events it shows.

The token is shown once and kept only as its sha256 hash.  The feed holds the
least personal data that still helps: the citizen's first name and topic —
never a phone number, surname or e-mail address.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.enums import CONFIRMED_STATUSES, Role
from booking.data.models import Appointment, StaffUser
from booking.staff.access import appointment_scope
from booking.web.i18n import localized
from booking.web.staff_display import first_name, meeting_link, topic_label, with_display_details
from notifications.ical import FeedEvent, feed_calendar

#: The feed shows calls from a day back to this far ahead.
FEED_AHEAD = timedelta(weeks=8)
FEED_BEHIND = timedelta(days=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renew_feed_token(user: StaffUser) -> str:
    """A new secret for ``user``'s feed; the old address stops working. The caller commits."""
    token = secrets.token_urlsafe(32)
    user.feed_token_hash = hash_token(token)
    return token


def account_for_token(session: Session, token: str) -> StaffUser | None:
    """The active expert whose feed token this is, or None."""
    if not token or len(token) > 100:
        return None
    account = session.scalar(
        select(StaffUser).where(StaffUser.feed_token_hash == hash_token(token))
    )
    if account is None or not account.active or account.role is not Role.EXPERT:
        return None
    return account


def feed_appointments(session: Session, user: StaffUser, *, now: datetime) -> list[Appointment]:
    """Her own coming calls (her agency's when the account has no expert record)."""
    query = select(Appointment).where(
        Appointment.starts_at >= now - FEED_BEHIND,
        Appointment.starts_at < now + FEED_AHEAD,
        Appointment.status.in_(CONFIRMED_STATUSES),
    )
    if user.expert_id is not None:
        query = query.where(Appointment.expert_id == user.expert_id)
    else:
        query = query.where(appointment_scope(user))
    return list(session.scalars(with_display_details(query.order_by(Appointment.starts_at))))


def feed_event(appointment: Appointment) -> FeedEvent:
    """One call as a calendar event: first name and topic, place, meeting link."""
    topic = topic_label(appointment) or localized(appointment.service)
    who = first_name(appointment.name)
    lines = [
        f"{localized(appointment.service.agency)}: {localized(appointment.service)}",
        _("Language: %(language)s", language=appointment.language.upper()),
    ]
    if appointment.interpreter_language:
        lines.append(_("Interpreter: %(language)s", language=appointment.interpreter_language))
    if appointment.service.photo_id_required:
        lines.append(_("Check a photo ID."))
    link = meeting_link(appointment)
    lines.append(_("Meeting link: %(link)s", link=link))
    return FeedEvent(
        uid=appointment.ical_uid,
        sequence=appointment.revision,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=f"{who} – {topic}" if who else topic,
        location=f"{localized(appointment.point)}, {appointment.room.name}",
        description="\n".join(lines),
        url=link,
    )


def feed_bytes(session: Session, user: StaffUser, *, now: datetime) -> bytes:
    """The whole feed of ``user`` as .ics bytes (METHOD:PUBLISH), in her language."""
    with force_locale(user.language or "fi"):
        events = [feed_event(item) for item in feed_appointments(session, user, now=now)]
        name = _("Etävaraus calls")
    return feed_calendar(events, name=name, stamp=now)
