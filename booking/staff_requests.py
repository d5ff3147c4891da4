"""What every staff page reads from a request: the day asked for, a bare button form."""

from __future__ import annotations

from datetime import date, datetime

from flask_wtf import FlaskForm

from booking.clock import to_helsinki


class ActionForm(FlaskForm):
    """A button-only form (check in, no-show, done): just the CSRF token."""


def parse_day(raw: str | None, *, now: datetime) -> date:
    """``YYYY-MM-DD`` from a query string; today in Helsinki when missing or malformed."""
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return to_helsinki(now).date()


def parse_start(raw: str | None) -> datetime | None:
    """An aware instant from a form's ISO 8601 value, or None."""
    try:
        moment = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
