"""The region's calendar from the database: Finnish holidays plus its short-day rules.

The region loader stores the region file's ``[calendar]`` in the one
``short_day_settings`` row; everything that computes opening hours (free times,
the booking's own check, a point's page) asks :func:`region_calendar` for the
calendar to hand the engine.  A database no region file was loaded into has no
row, and gets the engine's built-in rules.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.calendar_models import ShortDaySettings
from booking.data.calendar_rows import Read, calendar_rows
from booking.engine.calendar_rules import DEFAULT_CALENDAR, FinnishCalendar, ShortDayRules

SETTINGS_ID = 1

_SETTINGS = ShortDaySettings.__table__
_READ = select(_SETTINGS.c.closes_at, _SETTINGS.c.days).where(_SETTINGS.c.id == SETTINGS_ID)


def region_calendar(session: Session) -> FinnishCalendar:
    """The calendar of the region loaded into this database (one primary-key read)."""
    rows = calendar_rows(session.connection(), *region_calendar_read())
    if not rows:
        return DEFAULT_CALENDAR
    closes_at, days = rows[0]
    return FinnishCalendar(ShortDayRules.named(closes_at, split_days(days)))


def region_calendar_read() -> Read:
    """The read ``region_calendar`` makes."""
    return _READ, {}


def join_days(days: tuple[str, ...]) -> str:
    """Short-day names as the row stores them."""
    return ",".join(days)


def split_days(stored: str) -> tuple[str, ...]:
    return tuple(day for day in stored.split(",") if day)
