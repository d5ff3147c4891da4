"""An administrator's changes of a point's rooms and of the services it offers.

Like :mod:`booking.region.calendar_changes`: each use case changes one thing,
writes an audit entry saying what it was before and after, and settles what the
change does to booked appointments — in the caller's transaction, flushing and
never committing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.appointments.errors import N_
from booking.data.models import Offering, OpeningHours, Room, Service
from booking.region.calendar_changes import (
    CalendarChangeRefused,
    ChangeResult,
    active_point,
    close_point,
    one_line,
    settle_change,
)
from booking.region.validity import Scope

ROOM_NAME_MAX_LENGTH = 80
_KEY_LENGTH = 40


def add_room(
    session: Session, point_id: str, name: str, *, now: datetime, by_user_id: int | None
) -> ChangeResult:
    """A new room of the point, in use at once; no booking becomes impossible by it."""
    point = active_point(session, point_id)
    name = _room_name(name)
    rooms = session.scalars(select(Room).where(Room.point_id == point.id)).all()
    _refuse_a_second(name, [room for room in rooms if room.active])
    session.add(Room(point_id=point.id, key=free_key(name, {r.key for r in rooms}), name=name))
    summary = f"room {point.id}: added {name!r}"
    return settle_change(session, summary, Scope(point_ids=frozenset()), now, by_user_id)


def rename_room(
    session: Session, room_id: int, name: str, *, now: datetime, by_user_id: int | None
) -> ChangeResult:
    """A new name for the room; its bookings stay where they are."""
    room = _active_room(session, room_id)
    name = _room_name(name)
    others = session.scalars(
        select(Room).where(Room.point_id == room.point_id, Room.active, Room.id != room.id)
    ).all()
    _refuse_a_second(name, others)
    summary = f"room {room.point_id}/{room.key}: name {room.name!r} → {name!r}"
    room.name = name
    return settle_change(session, summary, Scope(point_ids=frozenset()), now, by_user_id)


def set_offering(
    session: Session,
    point_id: str,
    service_id: str,
    offered: bool,
    *,
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Offer the service at the point, or withdraw it: its bookings there are then
    cancelled (no other room or expert can save them)."""
    point = active_point(session, point_id)
    service = session.get(Service, service_id)
    if service is None or not service.active:
        raise CalendarChangeRefused(N_("There is no such service."))
    row = session.get(Offering, (point.id, service.id))
    before = "offered" if row is not None else "not offered"
    if offered and row is None:
        session.add(Offering(point_id=point.id, service_id=service.id))
    elif not offered and row is not None:
        session.delete(row)
    after = "offered" if offered else "not offered"
    summary = f"offering {point.id}/{service.id}: {before} → {after}"
    scope = Scope(point_ids=frozenset({point.id}))
    return settle_change(session, summary, scope, now, by_user_id)


def set_special_hours(
    session: Session,
    point_id: str,
    day: date,
    opens: time,
    closes: time,
    *,
    reason: str,
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Open the point on ``day`` only from ``opens`` to ``closes``, within its weekly
    hours: the rest of that day's hours become closures with the reason."""
    point = active_point(session, point_id)
    if closes <= opens:
        raise CalendarChangeRefused(N_("The end must be later than the start."), field="closes")
    weekly = session.execute(
        select(OpeningHours.opens, OpeningHours.closes)
        .where(OpeningHours.point_id == point.id, OpeningHours.weekday == day.weekday())
        .order_by(OpeningHours.opens)
    ).all()
    if not any(start <= opens and closes <= end for start, end in weekly):
        raise CalendarChangeRefused(
            N_("Special hours can only shorten the day's weekly hours."), field="opens"
        )
    closed = [
        (start, end)
        for first, last in weekly
        for start, end in ((first, min(last, opens)), (max(first, closes), last))
        if start < end
    ]
    if not closed:
        raise CalendarChangeRefused(N_("These are the day's usual hours."), field="opens")
    results = [
        close_point(
            session,
            point.id,
            day,
            starts=start,
            ends=end,
            reason=reason,
            now=now,
            by_user_id=by_user_id,
        )
        for start, end in closed
    ]
    return ChangeResult(
        summary="; ".join(result.summary for result in results),
        fates=[fate for result in results for fate in result.fates],
    )


def _active_room(session: Session, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None or not room.active:
        raise CalendarChangeRefused(N_("There is no such room."))
    return room


def _room_name(name: str) -> str:
    return one_line(
        name, field="name", most=ROOM_NAME_MAX_LENGTH, missing=N_("Enter the room's name.")
    )


def _refuse_a_second(name: str, rooms: list[Room]) -> None:
    if any(room.name.casefold() == name.casefold() for room in rooms):
        raise CalendarChangeRefused(N_("The point already has a room by this name."), field="name")


def free_key(name: str, taken: set[str], *, fallback: str = "room") -> str:
    """A key for the region file made of the name ("Huone 2" → "huone-2"), not in ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[: _KEY_LENGTH - 4] or fallback
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key
