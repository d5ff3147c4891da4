"""Which days of a cached range to compute again when only its day revisions moved.

Its hours, rooms and experts' working time still stand then: only the local days
that touch a changed UTC date need their appointments read and their starts
computed again (``booking.data.range_halves``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.data.calendar_inputs import local_day_window
from booking.data.calendar_stamps import DayRevisions


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


def runs(days: list[date]) -> list[tuple[date, date]]:
    """Ascending days as runs of consecutive days: (first, last) each."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
