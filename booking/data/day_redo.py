"""A cached range computed again only on the days whose appointments changed.

When nothing but the day revisions of a cached range's stamp moved, its hours,
rooms and experts' working time still stand: only the local days that touch a
changed UTC date need their appointments read and their starts computed again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from booking.data.availability_cache import HoldSpan
from booking.data.calendar_inputs import AvailabilityInputs, local_day_window
from booking.data.calendar_queries import calendar_queries
from booking.data.calendar_stamps import DayRevisions
from booking.data.expert_rounds import read_starts


def days_to_redo(
    before: DayRevisions, now: DayRevisions, first_day: date, last_day: date, tz: ZoneInfo
) -> list[date]:
    """The local days from ``first_day`` to ``last_day`` that touch a UTC date whose
    revision differs between ``before`` and ``now``, ascending."""
    changed = {key[1] for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
    redo = set()
    for utc_day in changed:
        utc_start = datetime.combine(utc_day, time(0), tzinfo=UTC)
        utc_end = utc_start + timedelta(days=1)
        for local_day in (utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)):
            if first_day <= local_day <= last_day:
                window = local_day_window(local_day, local_day, tz)
                if window.start < utc_end and window.end > utc_start:
                    redo.add(local_day)
    return sorted(redo)


def with_days_redone(
    session: Session,
    fixed: AvailabilityInputs,
    starts: tuple[datetime, ...],
    valid: HoldSpan,
    redo: list[date],
    now: datetime,
) -> tuple[tuple[datetime, ...], HoldSpan]:
    """The candidate ``starts`` of a range computed under ``fixed`` (its busy left out),
    with those of the local days ``redo`` computed again, and the instants they hold
    for: for each run of consecutive days, its appointments read again; hours,
    rooms and experts' working time as they were (their revisions are unchanged)."""
    queries = calendar_queries(session.get_bind().dialect.name)
    connection = session.connection()
    kept = list(starts)
    for first, last in _runs(redo):
        window = local_day_window(first, last, fixed.tz)
        run_starts, held = read_starts(connection, queries, fixed, window, now)
        kept = [start for start in kept if not window.start <= start < window.end]
        kept.extend(run_starts)
        valid = valid.within(held)
    return tuple(sorted(kept)), valid


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Ascending days as runs of consecutive days: (first, last) each."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
