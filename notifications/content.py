"""The facts a message speaks of, as plain frozen dataclasses.

The scheduler builds these from the appointment's current state at send time;
every renderer (SMS, e-mail, .ics) takes them and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Kind(StrEnum):
    """What a citizen message says (the same values as ``booking.models.MessageKind``)."""

    CONFIRMATION = "confirmation"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REMINDER_DAY_BEFORE = "reminder_day_before"
    REMINDER_MORNING = "reminder_morning"


LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class MessageFacts:
    """One appointment as a message needs it. ``starts_at``/``ends_at`` are aware UTC."""

    kind: str
    language: str
    reference: str
    starts_at: datetime
    ends_at: datetime
    point_name: str
    point_address: str
    room_name: str
    agency_sms_name: str
    agency_name: str
    service_name: str
    photo_id_required: bool
    ical_uid: str
    sequence: int
    organizer_email: str
    manage_url: str | None = None
    citizen_name: str = ""
    citizen_email: str | None = None
    meeting_link: str | None = None
    #: Why a change of the calendar cancelled it (a code of ``notifications.causes``).
    cancel_cause: str | None = None
    #: Where to book a new time after such a cancellation.
    rebook_url: str | None = None
    #: The service's own text of what to bring, in the message's language (lines).
    what_to_bring: str = ""

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("message times must be aware datetimes")
        if self.language not in LANGUAGES:
            raise ValueError(f"unsupported language {self.language!r}")

    @property
    def is_cancellation(self) -> bool:
        return self.kind == Kind.CANCELLED


@dataclass(frozen=True)
class AgendaItem:
    """One call on an expert's day. No citizen contact details: the expert needs none."""

    starts_at: datetime
    ends_at: datetime
    reference: str
    service_name: str
    point_name: str
    room_name: str
    language: str
    needs: str = ""
    meeting_link: str | None = None


@dataclass(frozen=True)
class AgendaFacts:
    """An expert's day: the morning agenda e-mail."""

    language: str
    expert_name: str
    expert_email: str
    day: date  # the Helsinki date of the agenda
    items: tuple[AgendaItem, ...] = field(default_factory=tuple)
