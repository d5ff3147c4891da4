"""iCalendar (RFC 5545/5546) for appointments and expert feeds.

One UID per appointment for life; SEQUENCE is the appointment's revision, so
it rises with every change; METHOD:REQUEST for a new or moved appointment,
METHOD:CANCEL (with STATUS:CANCELLED) for a cancelled one; times in
Europe/Helsinki with its VTIMEZONE, so every calendar shows Helsinki wall
time right on both sides of a DST change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress

from notifications.content import MessageFacts
from notifications.dates import in_helsinki

PRODID = "-//Keski-Suomen liitto//Etavaraus//FI"
ORGANIZER_NAME = "Etävaraus"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"

HELSINKI_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Helsinki
BEGIN:DAYLIGHT
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
TZNAME:EEST
DTSTART:19700329T030000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
TZNAME:EET
DTSTART:19701025T040000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

SUMMARY = {
    "fi": "Etäasiointi: {agency}",
    "sv": "Distansbesök: {agency}",
    "en": "Remote appointment: {agency}",
}
DESCRIPTION = {
    "fi": {
        "service": "Palvelu: {service}",
        "reference": "Varaustunnus: {reference}",
        "bring": "Ota mukaan kuvallinen henkilökortti.",
        "manage": "Muuta tai peru: {url}",
        "cancelled": "Tämä aika on peruttu.",
    },
    "sv": {
        "service": "Tjänst: {service}",
        "reference": "Bokningskod: {reference}",
        "bring": "Ta med fotolegitimation.",
        "manage": "Ändra eller avboka: {url}",
        "cancelled": "Den här tiden har avbokats.",
    },
    "en": {
        "service": "Service: {service}",
        "reference": "Booking reference: {reference}",
        "bring": "Bring a photo ID.",
        "manage": "Change or cancel: {url}",
        "cancelled": "This appointment has been cancelled.",
    },
}


@dataclass(frozen=True)
class FeedEvent:
    """One event of a subscribed calendar feed (e.g. an expert's calls)."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str | None = None
    cancelled: bool = False


def method_for(facts: MessageFacts) -> str:
    return CANCEL if facts.is_cancellation else REQUEST


def appointment_calendar(
    facts: MessageFacts, *, stamp: datetime, method: str | None = None
) -> bytes:
    """The .ics of one appointment. ``method`` defaults to CANCEL or REQUEST by ``facts.kind``."""
    method = method or method_for(facts)
    cancelled = facts.is_cancellation
    words = DESCRIPTION[facts.language]
    lines = [
        words["service"].format(service=facts.service_name),
        words["reference"].format(reference=facts.reference),
    ]
    if cancelled:
        lines.insert(0, words["cancelled"])
    else:
        if facts.photo_id_required:
            lines.append(words["bring"])
        lines += [line for line in facts.what_to_bring.splitlines() if line.strip()]
        if facts.manage_url:
            lines.append(words["manage"].format(url=facts.manage_url))
    organizer = vCalAddress.new(facts.organizer_email, cn=ORGANIZER_NAME)
    attendees = []
    # RFC 5546: a PUBLISH carries no attendees; REQUEST and CANCEL name the citizen.
    if facts.citizen_email and method != PUBLISH:
        attendees.append(
            vCalAddress.new(
                facts.citizen_email,
                cn=facts.citizen_name or None,
                role="REQ-PARTICIPANT",
                partstat="ACCEPTED",
                rsvp=False,
            )
        )
    event = Event.new(
        uid=facts.ical_uid,
        sequence=facts.sequence,
        stamp=in_utc(stamp),
        start=in_helsinki(facts.starts_at),
        end=in_helsinki(facts.ends_at),
        summary=SUMMARY[facts.language].format(agency=facts.agency_sms_name),
        location=f"{facts.point_name}, {facts.room_name}, {facts.point_address}",
        description="\n".join(lines),
        organizer=organizer,
        attendees=attendees,
        status="CANCELLED" if cancelled else "CONFIRMED",
        url=facts.manage_url if facts.manage_url and not cancelled else None,
    )
    if not cancelled:
        event.add_component(
            reminder_alarm(SUMMARY[facts.language].format(agency=facts.agency_sms_name))
        )
    return calendar_bytes([event], method=method)


def feed_calendar(events: Iterable[FeedEvent], *, name: str, stamp: datetime) -> bytes:
    """A METHOD:PUBLISH calendar of several events, for a subscribed feed."""
    components = []
    for item in events:
        event = Event.new(
            uid=item.uid,
            sequence=item.sequence,
            stamp=in_utc(stamp),
            start=in_helsinki(item.starts_at),
            end=in_helsinki(item.ends_at),
            summary=item.summary,
            location=item.location or None,
            description=item.description or None,
            status="CANCELLED" if item.cancelled else "CONFIRMED",
            url=item.url,
        )
        components.append(event)
    return calendar_bytes(components, method=PUBLISH, name=name)


def reminder_alarm(text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", timedelta(hours=-1))
    return alarm


def calendar_bytes(events: list[Event], *, method: str, name: str | None = None) -> bytes:
    calendar = Calendar.new(
        method=method, prodid=PRODID, name=name, subcomponents=[helsinki_vtimezone(), *events]
    )
    return calendar.to_ical()


def helsinki_vtimezone() -> Timezone:
    """Europe/Helsinki as the EU rule: DST from the last Sunday of March, 03:00 local
    (01:00 UTC), to the last Sunday of October, 04:00 local. Written by hand because the
    generated one lists every transition and puts the spring onset an hour late."""
    return Timezone.from_ical(HELSINKI_VTIMEZONE)


def in_utc(moment: datetime) -> datetime:
    return in_helsinki(moment).astimezone(UTC)
