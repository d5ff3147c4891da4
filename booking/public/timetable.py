"""Free times arranged for the citizen: a month of days and the times of one day.

Plain data for the templates, built from the aware UTC start times that
``booking.calendars.free_times`` returns; days and clock times are Helsinki
wall time.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from booking.engine.clock import HELSINKI


@dataclass(frozen=True)
class DayCell:
    day: date
    free_count: int
    url: str | None  # None when the day has no free time (then it is no link)


@dataclass(frozen=True)
class MonthGrid:
    first: date  # the first day of the month
    weeks: list[list[DayCell | None]]  # Monday first; None pads days of other months
    free_days: int

    @property
    def has_free_times(self) -> bool:
        return self.free_days > 0


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_key(month: date) -> str:
    return month.strftime("%Y-%m")


def count_by_day(starts: Iterable[datetime]) -> dict[date, int]:
    counts: dict[date, int] = {}
    for start in starts:
        day = start.astimezone(HELSINKI).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


def month_grid(month: date, counts: dict[date, int], day_url: Callable[[date], str]) -> MonthGrid:
    """The weeks of ``month`` (Monday first), each day linked when it has free times."""
    first = first_of_month(month)
    weeks: list[list[DayCell | None]] = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row: list[DayCell | None] = []
        for day in week:
            if day.month != first.month:
                row.append(None)
                continue
            free = counts.get(day, 0)
            row.append(DayCell(day=day, free_count=free, url=day_url(day) if free else None))
        weeks.append(row)
    free_days = sum(1 for day, free in counts.items() if free and first_of_month(day) == first)
    return MonthGrid(first=first, weeks=weeks, free_days=free_days)


def times_of_day(starts: Iterable[datetime], day: date) -> list[datetime]:
    """The start times that fall on Helsinki ``day``, ascending."""
    return sorted(s for s in starts if s.astimezone(HELSINKI).date() == day)
