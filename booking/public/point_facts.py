"""What a point's page tells about its calendar: weekly hours and the coming exceptions.

No Flask and no database: it takes the point's weekly hours and closures, a
``FinnishCalendar`` and local dates, and returns rows ready for a template.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from babel.dates import get_day_names

from booking.engine.calendar_rules import FinnishCalendar

#: Local wall-time opening intervals per weekday (0 = Monday).
WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]


@dataclass(frozen=True)
class WeekdayHours:
    weekday: int
    name: str
    spans: tuple[tuple[time, time], ...]


class ExceptionKind(StrEnum):
    HOLIDAY = "holiday"  # closed all day for a public holiday
    CLOSED = "closed"  # closed all day (a closure of the point)
    CLOSED_PART = "closed_part"  # closed for part of the day
    SHORT_DAY = "short_day"  # closes early (one of the region's short days)


@dataclass(frozen=True)
class DayException:
    """A day on which the point keeps other hours than usual."""

    day: date
    kind: ExceptionKind
    reason: str = ""
    starts: time | None = None
    ends: time | None = None


@dataclass(frozen=True)
class ClosureFact:
    closed_on: date
    starts: time | None
    ends: time | None
    reason: str = ""


def weekly_hours(rows: Iterable[tuple[int, time, time]]) -> dict[int, list[tuple[time, time]]]:
    """``(weekday, opens, closes)`` rows → opening intervals per weekday, in order."""
    weekly: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in sorted(rows):
        weekly.setdefault(weekday, []).append((opens, closes))
    return weekly


def week_rows(weekly: WeeklyHours, language: str) -> list[WeekdayHours]:
    """Monday to Sunday, each with its name in ``language`` and its opening intervals."""
    names = get_day_names("wide", context="stand-alone", locale=language)
    return [
        WeekdayHours(day, names[day][:1].upper() + names[day][1:], tuple(weekly.get(day, ())))
        for day in range(7)
    ]


def upcoming_exceptions(
    weekly: WeeklyHours,
    closures: Iterable[ClosureFact],
    first_day: date,
    last_day: date,
    calendar: FinnishCalendar,
    language: str,
) -> list[DayException]:
    """Holidays, closures and short days from ``first_day`` to ``last_day`` (inclusive)
    that fall on days the point is usually open, in date order."""
    closures_by_day: dict[date, list[ClosureFact]] = {}
    for closure in closures:
        closures_by_day.setdefault(closure.closed_on, []).append(closure)
    exceptions: list[DayException] = []
    for day in _days(first_day, last_day):
        spans = weekly.get(day.weekday())
        if not spans:
            continue
        holiday = calendar.holiday_name(day, language)
        if holiday:
            exceptions.append(DayException(day, ExceptionKind.HOLIDAY, reason=holiday))
            continue
        day_closures = closures_by_day.get(day, [])
        whole = [c for c in day_closures if c.starts is None and c.ends is None]
        if whole:
            exceptions.append(DayException(day, ExceptionKind.CLOSED, reason=whole[0].reason))
            continue
        early = calendar.short_day_closes(day)
        if early is not None and max(_end_minute(closes) for _opens, closes in spans) > _minute(
            early
        ):
            exceptions.append(DayException(day, ExceptionKind.SHORT_DAY, ends=early))
        for closure in sorted(day_closures, key=lambda c: c.starts or time(0)):
            exceptions.append(
                DayException(
                    day,
                    ExceptionKind.CLOSED_PART,
                    reason=closure.reason,
                    starts=closure.starts or time(0),
                    ends=closure.ends,
                )
            )
    return exceptions


def _days(first_day: date, last_day: date) -> Iterator[date]:
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _end_minute(closes: time) -> int:
    return _minute(closes) or 24 * 60  # 00:00 closes at midnight
