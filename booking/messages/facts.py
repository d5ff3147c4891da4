"""From the data model to the plain facts that :mod:`notifications` renders.

Built from the appointment's current state, so a message or calendar file
always says what holds now (a moved appointment's new time and room). Also
usable by the web layer for the downloadable .ics.
"""

from __future__ import annotations

from booking.data.models import Agency, Appointment, ServicePoint
from notifications.content import LANGUAGES, MessageFacts


def localized_name(thing: object, language: str, field: str = "name") -> str:
    return getattr(thing, f"{field}_{language}", None) or getattr(thing, f"{field}_fi")


def point_address(point: ServicePoint) -> str:
    return f"{point.street_address}, {point.postal_code} {point.post_office}"


def meeting_link(agency: Agency, reference: str) -> str | None:
    template = agency.meeting_link_template or ""
    # replace(), not format(): the template is admin-edited text.
    return template.replace("{reference}", reference) if template else None


def rebook_url(base_url: str, appointment: Appointment) -> str | None:
    """Where a citizen whose appointment a calendar change cancelled books a new time:
    the same service at the same point (the booking flow's plain path), or the front
    page when the point no longer serves."""
    if not base_url:
        return None
    base = base_url.rstrip("/")
    if not appointment.point.active:
        return base + "/"
    return f"{base}/book/{appointment.point_id}/{appointment.service_id}"


def appointment_facts(
    appointment: Appointment,
    *,
    kind: str,
    organizer_email: str,
    manage_url: str | None = None,
    language: str | None = None,
    base_url: str = "",
) -> MessageFacts:
    """The facts of ``appointment`` as it is now, in its citizen's language.
    ``base_url`` (the site's address) gives a cancellation by a calendar change its
    link for booking a new time."""
    language = language or appointment.language
    if language not in LANGUAGES:
        language = "fi"
    point = appointment.point
    service = appointment.service
    agency = service.agency
    return MessageFacts(
        kind=str(kind),
        language=language,
        reference=appointment.reference,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        point_name=localized_name(point, language),
        point_address=point_address(point),
        room_name=appointment.room.name,
        agency_sms_name=localized_name(agency, language, "sms_name"),
        agency_name=localized_name(agency, language),
        service_name=localized_name(service, language),
        photo_id_required=service.photo_id_required,
        what_to_bring=localized_name(service, language, "what_to_bring"),
        ical_uid=appointment.ical_uid,
        sequence=appointment.revision,
        organizer_email=organizer_email,
        manage_url=manage_url,
        citizen_name=appointment.name,
        citizen_email=appointment.email,
        meeting_link=meeting_link(agency, appointment.reference),
        cancel_cause=appointment.cancel_cause,
        rebook_url=rebook_url(base_url, appointment) if appointment.cancel_cause else None,
    )
