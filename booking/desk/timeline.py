"""What the desk shows: a point's day as one time-ordered list per room, and searches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from booking.appointments.citizen_details import DetailError, normalize_phone_any
from booking.data.availability import local_day_window
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment, Room, ServicePoint, StaffUser
from booking.engine.clock import HELSINKI
from booking.staff.access import appointment_scope
from booking.web.staff_display import with_display_details

SEARCH_LIMIT = 50
#: A number's last digits find it: at least this many ("9876" finds 050 123 9876).
LAST_DIGITS_MIN = 4


@dataclass(frozen=True)
class RoomDay:
    room: Room
    appointments: list[Appointment]


def point_day(session: Session, point: ServicePoint, day: date) -> list[RoomDay]:
    """Every room of ``point`` with its appointments of ``day`` (cancelled ones and holds
    waiting for their code too; not expired holds), by time."""
    window = local_day_window(day, day, HELSINKI)
    appointments = session.scalars(
        with_display_details(
            select(Appointment)
            .where(
                Appointment.point_id == point.id,
                Appointment.starts_at >= window.start,
                Appointment.starts_at < window.end,
                Appointment.status != AppointmentStatus.EXPIRED,  # never an appointment
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    ).all()
    rooms = [room for room in point.rooms if room.active]
    rooms += [a.room for a in appointments if a.room not in rooms]
    return [
        RoomDay(room=room, appointments=[a for a in appointments if a.room_id == room.id])
        for room in dict.fromkeys(rooms)
    ]


def search_appointments(session: Session, user: StaffUser, text: str) -> list[Appointment]:
    """Appointments ``user`` may see whose phone (or its last digits), reference or name
    matches ``text``."""
    text = text.strip()
    conditions = [
        Appointment.reference == text.upper(),
        func.lower(Appointment.name).contains(text.lower(), autoescape=True),
    ]
    try:
        phone = normalize_phone_any(text)
    except DetailError:
        phone = None
    if phone:
        conditions.append(Appointment.phone == phone)
    digits = "".join(text.split()).replace("-", "")
    if digits.isascii() and digits.isdigit() and len(digits) >= LAST_DIGITS_MIN:
        # Numbers are stored in E.164, whose end is the number as written; the
        # scope below keeps the search to the points the user works at.
        conditions.append(Appointment.phone.endswith(digits, autoescape=True))
    return list(
        session.scalars(
            with_display_details(
                select(Appointment)
                .where(appointment_scope(user), or_(*conditions))
                .order_by(Appointment.starts_at.desc())
                .limit(SEARCH_LIMIT)
            )
        )
    )
