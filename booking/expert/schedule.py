"""The expert's calls in a span of days: her own by default, or her agency's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.availability import local_day_window
from booking.data.enums import CONFIRMED_STATUSES
from booking.data.models import Appointment, StaffUser
from booking.engine.clock import HELSINKI
from booking.staff.access import appointment_scope
from booking.web.staff_display import with_display_details

MINE = "mine"
AGENCY = "agency"


def effective_scope(user: StaffUser, asked: str | None) -> str:
    """Her own calls unless she asked for the agency's (or has no expert record)."""
    if asked == AGENCY or user.expert_id is None:
        return AGENCY
    return MINE


def calls(
    session: Session, user: StaffUser, first_day: date, last_day: date, scope: str
) -> list[Appointment]:
    """Confirmed, not cancelled appointments ``user`` may see, in time order (a hold
    waiting for its code is not a call yet)."""
    window = local_day_window(first_day, last_day, HELSINKI)
    query = select(Appointment).where(
        appointment_scope(user),
        Appointment.starts_at >= window.start,
        Appointment.starts_at < window.end,
        Appointment.status.in_(CONFIRMED_STATUSES),
    )
    if scope == MINE and user.expert_id is not None:
        query = query.where(Appointment.expert_id == user.expert_id)
    return list(session.scalars(with_display_details(query.order_by(Appointment.starts_at))))
