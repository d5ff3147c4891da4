"""Manage links: the citizen's unguessable token, stored only as its hash."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.models import Appointment

DEFAULT_MANAGE_LINK_DAYS = 14


def hash_manage_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_by_manage_token(
    session: Session,
    token: str,
    *,
    now: datetime,
    link_days: int = DEFAULT_MANAGE_LINK_DAYS,
) -> Appointment | None:
    """The appointment of a manage link; None when the token is unknown, malformed or
    the link has expired (``link_days`` after the appointment)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    appointment = session.scalar(
        select(Appointment).where(Appointment.manage_token_hash == hash_manage_token(token))
    )
    if appointment is None or appointment.personal_data_erased_at is not None:
        return None
    if now > appointment.ends_at + timedelta(days=link_days):
        return None
    return appointment
