"""The region file's value types: frozen dataclasses, what ``booking.region`` returns.

Pure data, no Flask and no database.  Times are local wall time of the point's
zone (experts: Helsinki wall time); weekdays are 0 = Monday … 6 = Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

#: A service's texts of what to bring, one a language; at most this many characters each.
WHAT_TO_BRING_FIELDS = ("what_to_bring_fi", "what_to_bring_sv", "what_to_bring_en")
WHAT_TO_BRING = 1000


@dataclass(frozen=True)
class WeeklyInterval:
    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class CalendarRules:
    """The short days the ``holidays`` package does not know.

    ``short_days`` holds ``"maundy_thursday"`` and fixed ``"MM-DD"`` days; on them
    every point closes at ``short_day_closes`` at the latest.
    """

    short_day_closes: time
    short_days: tuple[str, ...]


@dataclass(frozen=True)
class FiguresRules:
    """Who besides the council and the administrators sees the figures (``[figures]``).

    ``advisors_see_their_points``: an advisor sees the figures of the points she
    works at, and of no other."""

    advisors_see_their_points: bool = False


@dataclass(frozen=True)
class Location:
    """A place on the map, in decimal degrees (WGS 84)."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class MunicipalityDef:
    id: str
    name_fi: str
    name_sv: str
    #: The postal codes of the municipality, so that a citizen finds it by hers.
    postal_codes: tuple[str, ...] = ()
    #: Its centre (the church village or the town hall), for "nearest point" from it.
    location: Location | None = None


@dataclass(frozen=True)
class AgencyDef:
    id: str
    name_fi: str
    name_sv: str
    name_en: str
    sms_name_fi: str
    sms_name_sv: str
    sms_name_en: str
    meeting_link_template: str


@dataclass(frozen=True)
class ServiceDef:
    id: str
    agency: str
    name_fi: str
    name_sv: str
    name_en: str
    duration_minutes: int
    buffer_minutes: int
    grid_minutes: int
    min_notice_minutes: int
    horizon_days: int
    photo_id_required: bool
    #: What the citizen brings to the call, per language; empty when the file says nothing.
    what_to_bring_fi: str = ""
    what_to_bring_sv: str = ""
    what_to_bring_en: str = ""


@dataclass(frozen=True)
class RoomDef:
    key: str
    name: str


@dataclass(frozen=True)
class PointDef:
    id: str
    municipality: str
    name_fi: str
    name_sv: str
    name_en: str
    street_address: str
    postal_code: str
    post_office: str
    phone: str | None
    timezone: str
    rooms: tuple[RoomDef, ...]
    offers: tuple[str, ...]
    hours: tuple[WeeklyInterval, ...]
    location: Location | None = None
    #: Offered to citizens online; a hidden point (``online = false``) is booked at the desk only.
    online: bool = True


@dataclass(frozen=True)
class ClosureDef:
    point: str
    closed_on: date
    starts: time | None
    ends: time | None
    reason: str


@dataclass(frozen=True)
class AbsenceDef:
    """An expert away over ``[starts, ends)`` (aware instants): whole days are written
    ``first_day``/``last_day`` in the file, a part of a day ``starts``/``ends``."""

    expert: str
    starts: datetime
    ends: datetime
    reason: str


@dataclass(frozen=True)
class ExpertDef:
    key: str
    agency: str
    name: str
    email: str | None
    languages: tuple[str, ...]
    services: tuple[str, ...]
    hours: tuple[WeeklyInterval, ...]


@dataclass(frozen=True)
class Region:
    """Everything one region file says, checked for consistency."""

    source: str
    id: str
    name_fi: str
    name_sv: str
    name_en: str
    timezone: str
    calendar: CalendarRules
    municipalities: tuple[MunicipalityDef, ...]
    agencies: tuple[AgencyDef, ...]
    services: tuple[ServiceDef, ...]
    points: tuple[PointDef, ...]
    closures: tuple[ClosureDef, ...]
    experts: tuple[ExpertDef, ...]
    figures: FiguresRules = FiguresRules()
    absences: tuple[AbsenceDef, ...] = ()
