"""An administrator's changes of an agency (names, SMS names, meeting link) and of a
service (names, length, set-up buffer, grid, notice, horizon, photo ID, what to bring).

No booked appointment becomes impossible by them: a booking keeps the length and
buffer it was made with (its ``ends_at`` and ``blocked_until``), and the new
values apply to new bookings, which the slot engine fits around the old ones.
Each change is audited field by field; flushes, never commits.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.errors import N_
from booking.data.models import Agency, Service
from booking.region.calendar_changes import CalendarChangeRefused, ChangeResult, settle_change
from booking.region.loader import AGENCY_FIELDS
from booking.region.loader import SERVICE_FIELDS as FILE_SERVICE_FIELDS
from booking.region.schema import WHAT_TO_BRING, WHAT_TO_BRING_FIELDS
from booking.region.validity import Scope

#: Field → (least, most), as the region file allows.
SERVICE_NUMBERS = {
    "duration_minutes": (5, 480),
    "buffer_minutes": (0, 120),
    "grid_minutes": (5, 120),
    "min_notice_minutes": (0, 60 * 24 * 60),
    "horizon_days": (1, 366),
}
#: A service's fields on its page: the region file's, and what to bring.
SERVICE_FIELDS = (*FILE_SERVICE_FIELDS, *WHAT_TO_BRING_FIELDS)


def update_agency(
    session: Session, agency_id: str, values: dict, *, now: datetime, by_user_id: int | None
) -> ChangeResult:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise CalendarChangeRefused(N_("There is no such agency."))
    values = {name: " ".join(str(values[name]).split()) for name in AGENCY_FIELDS}
    if "{reference}" not in values["meeting_link_template"]:
        raise CalendarChangeRefused(
            N_("The meeting link must contain {reference}."), field="meeting_link_template"
        )
    return _apply(session, agency, f"agency {agency.id}", values, now, by_user_id)


def update_service(
    session: Session, service_id: str, values: dict, *, now: datetime, by_user_id: int | None
) -> ChangeResult:
    service = session.get(Service, service_id)
    if service is None or not service.active:
        raise CalendarChangeRefused(N_("There is no such service."))
    for name, (least, most) in SERVICE_NUMBERS.items():
        if not isinstance(values.get(name), int) or not least <= values[name] <= most:
            raise CalendarChangeRefused(
                N_("Give a whole number from %(least)s to %(most)s."),
                field=name,
                params={"least": least, "most": most},
            )
    values = {
        **{name: " ".join(str(values[name]).split()) for name in ("name_fi", "name_sv", "name_en")},
        **{name: values[name] for name in SERVICE_NUMBERS},
        "photo_id_required": bool(values.get("photo_id_required")),
        **{name: _lines(name, values.get(name)) for name in WHAT_TO_BRING_FIELDS},
    }
    return _apply(session, service, f"service {service.id}", values, now, by_user_id)


def _lines(name: str, raw: object) -> str:
    """A text of lines as the citizen reads it: each line's spaces tidied, empty lines
    and control characters dropped."""
    lines = []
    for line in str(raw or "").splitlines():
        printable = "".join(c for c in line if not unicodedata.category(c).startswith("C"))
        if tidy := " ".join(printable.split()):
            lines.append(tidy)
    text = "\n".join(lines)
    if len(text) > WHAT_TO_BRING:
        raise CalendarChangeRefused(
            N_("Write at most %(count)s characters."), field=name, params={"count": WHAT_TO_BRING}
        )
    return text


def _apply(session, thing, what: str, values: dict, now, by_user_id) -> ChangeResult:
    changes = []
    for name, value in values.items():
        if getattr(thing, name) != value:
            changes.append(f"{name} {getattr(thing, name)!r} → {value!r}")
            setattr(thing, name, value)
    summary = f"{what}: " + ("; ".join(changes) or "unchanged")
    return settle_change(session, summary[:500], Scope(point_ids=frozenset()), now, by_user_id)
