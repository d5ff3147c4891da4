"""The hold this browser just made, remembered in its signed session cookie.

A second click on "Confirm" finds the time taken — by the citizen's own hold,
whose manage token only the first answer carried.  Remembering that token
lets the second answer lead to the code page too.
"""

from __future__ import annotations

from flask import session

from booking.appointments.manage_tokens import hash_manage_token
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment

SESSION_KEY = "held_token"


def remember_hold(token: str) -> None:
    session[SESSION_KEY] = token


def token_of_own_hold(appointment: Appointment | None) -> str | None:
    """The remembered manage token when it opens ``appointment``, a hold; else None."""
    token = session.get(SESSION_KEY)
    if appointment is None or appointment.status != AppointmentStatus.HELD or not token:
        return None
    return token if appointment.manage_token_hash == hash_manage_token(token) else None
