"""An administrator's changes of a point itself: its names, address, phone, municipality,
whether it is shown online — and a new point with its first room.

Like :mod:`booking.region.calendar_changes`: each use case writes one audit entry
saying what was before and after, in the caller's transaction, flushing and never
committing.  None of these changes makes a booked appointment impossible: a point
hidden online keeps its bookings and its desk, so there are no consequences to
settle — :func:`booked_ahead` lists what stays booked, for the page to say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.appointments.errors import N_
from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment, Municipality, Room, ServicePoint
from booking.region.calendar_changes import (
    CalendarChangeRefused,
    ChangeResult,
    active_point,
    one_line,
    settle_change,
)
from booking.region.fields import SLUG
from booking.region.point_changes import add_room
from booking.region.validity import Scope

NAME_MAX_LENGTH = 120
STREET_MAX_LENGTH = 120
POST_OFFICE_MAX_LENGTH = 60
PHONE_MAX_LENGTH = 20
POINT_ID_MAX_LENGTH = 60
_POSTAL_CODE = re.compile(r"^\d{5}$")
_TEXT_FIELDS = {
    "name_fi": NAME_MAX_LENGTH,
    "name_sv": NAME_MAX_LENGTH,
    "name_en": NAME_MAX_LENGTH,
    "street_address": STREET_MAX_LENGTH,
    "post_office": POST_OFFICE_MAX_LENGTH,
}


@dataclass(frozen=True)
class PointDetails:
    """What an administrator writes of a point; ``phone`` empty when it has none."""

    name_fi: str
    name_sv: str
    name_en: str
    street_address: str
    postal_code: str
    post_office: str
    phone: str
    municipality_id: str
    online: bool


def change_point_details(
    session: Session,
    point_id: str,
    details: PointDetails,
    *,
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Make the point's details these; its bookings stay as they are, hidden or not."""
    point = active_point(session, point_id)
    values = _checked(session, details, keep_phone=point.phone)
    changes = [
        f"{name} {_shown(name, getattr(point, name))} → {_shown(name, value)}"
        for name, value in values.items()
        if getattr(point, name) != value
    ]
    for name, value in values.items():
        setattr(point, name, value)
    summary = f"point {point.id}: " + ("; ".join(changes) or "unchanged")
    return settle_change(session, summary, Scope(point_ids=frozenset()), now, by_user_id)


def add_point(
    session: Session,
    point_id: str,
    details: PointDetails,
    room_name: str,
    *,
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """A new point with its first room, hidden online whatever ``details`` says: it has
    no opening hours and offers nothing yet."""
    point_id = (point_id or "").strip()
    if not SLUG.match(point_id) or len(point_id) > POINT_ID_MAX_LENGTH:
        raise CalendarChangeRefused(
            N_("Write the id in lowercase letters, digits and single hyphens (e.g. uusi-piste)."),
            field="point_id",
        )
    if session.get(ServicePoint, point_id) is not None:
        # A removed point's id too: its old bookings and figures still name it.
        raise CalendarChangeRefused(N_("A point with this id exists already."), field="point_id")
    values = _checked(session, details, keep_phone=None)
    values["online"] = False
    session.add(ServicePoint(id=point_id, active=True, **values))
    session.flush()
    summary = f"point {point_id}: added ({values['name_fi']!r}, hidden online)"
    result = settle_change(session, summary, Scope(point_ids=frozenset()), now, by_user_id)
    room = add_room(session, point_id, room_name, now=now, by_user_id=by_user_id)
    return ChangeResult(summary=f"{result.summary}; {room.summary}", fates=[])


def booked_ahead(session: Session, point_id: str, now: datetime) -> list[Appointment]:
    """The point's booked (or held) appointments from ``now`` on, the earliest first."""
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.point_id == point_id,
                Appointment.status.in_(ACTIVE_STATUSES),
                Appointment.ends_at > now,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def point_has_room(session: Session, point_id: str) -> bool:
    return session.scalar(select(Room.id).where(Room.point_id == point_id, Room.active)) is not None


def _checked(session: Session, details: PointDetails, *, keep_phone: str | None) -> dict:
    """The details as the point's columns, or :class:`CalendarChangeRefused` naming the field."""
    values: dict[str, object] = {}
    for name, limit in _TEXT_FIELDS.items():
        values[name] = one_line(
            getattr(details, name), field=name, most=limit, missing=N_("Fill in this field.")
        )
    municipality = session.get(Municipality, details.municipality_id or "")
    if municipality is None:
        raise CalendarChangeRefused(N_("Choose the municipality."), field="municipality_id")
    values["municipality_id"] = municipality.id
    postal_code = (details.postal_code or "").strip()
    if not _POSTAL_CODE.match(postal_code):
        raise CalendarChangeRefused(
            N_("Write the postal code as 5 digits, e.g. 42700."), field="postal_code"
        )
    codes = municipality.postal_codes.split()
    if codes and postal_code not in codes:
        raise CalendarChangeRefused(
            N_("This postal code is not among the municipality's: %(codes)s."),
            field="postal_code",
            params={"codes": ", ".join(codes)},
        )
    values["postal_code"] = postal_code
    values["phone"] = _phone(details.phone, keep_phone)
    values["online"] = bool(details.online)
    return values


def _phone(raw: str, keep: str | None) -> str | None:
    """A phone number written the international way ("+358 14 4590 100"), or None.

    The number the point has is kept as it is written."""
    text = " ".join((raw or "").split())
    if not text:
        return None
    if keep is not None and text == keep:
        return keep
    try:
        number = phonenumbers.parse(text, "FI") if len(text) <= PHONE_MAX_LENGTH else None
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise CalendarChangeRefused(
            N_("Write the phone number with its area code, e.g. 014 459 0100."), field="phone"
        )
    written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if len(written) > PHONE_MAX_LENGTH:
        raise CalendarChangeRefused(
            N_("Write the phone number with its area code, e.g. 014 459 0100."), field="phone"
        )
    return written


def _shown(name: str, value: object) -> str:
    if name == "online":
        return "shown online" if value else "hidden online"
    return repr(value)
