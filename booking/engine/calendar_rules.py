"""Calendar rules: weekly local hours, Finnish holidays, short days and closures → UTC spans.

Pure: no Flask, no database.  Weekly hours and closures are local wall time of a
zone; the spans returned are aware UTC instants, half-open ``[start, end)``,
sorted and non-overlapping.  Public holidays come from the ``holidays`` package
(it has Midsummer Eve and Christmas Eve); the shorter days it lacks are the
region's own rules, which callers pass in a ``FinnishCalendar``.  The built-in
ones (Maundy Thursday, 30.4, 5.12, 23.12 and 31.12 until 13:00) are only the
default, for pure tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

#: Local wall-time intervals per weekday (0 = Monday).
WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]

#: Our language codes → the ``holidays`` package's.
_HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open interval ``[start, end)`` of aware UTC instants."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class ClosureRule:
    """A point closed on ``closed_on``: the whole day when ``starts`` and ``ends`` are
    both None, else from ``starts`` (None: the start of the day) to ``ends`` (None:
    the end of the day), local wall time."""

    closed_on: date
    starts: time | None = None
    ends: time | None = None

    @property
    def whole_day(self) -> bool:
        return self.starts is None and self.ends is None


#: A short day's name for the Thursday before Easter; other short days are "MM-DD".
MAUNDY_THURSDAY = "maundy_thursday"


@dataclass(frozen=True)
class ShortDayRules:
    """Days on which service points close early (not public holidays).

    The defaults are the built-in rules, for pure tests; the region's own rules
    come from its file through the database (``booking.data.short_days``)."""

    closes_at: time = time(13, 0)
    maundy_thursday: bool = True
    fixed_dates: tuple[tuple[int, int], ...] = ((4, 30), (12, 5), (12, 23), (12, 31))

    @classmethod
    def named(cls, closes_at: time, days: Iterable[str]) -> ShortDayRules:
        """Rules from day names as a region file writes them: ``"maundy_thursday"``
        or a fixed ``"MM-DD"`` (checked by the region reader)."""
        days = tuple(days)
        fixed = tuple((int(day[:2]), int(day[3:])) for day in days if day != MAUNDY_THURSDAY)
        return cls(closes_at, MAUNDY_THURSDAY in days, fixed)

    def names(self) -> tuple[str, ...]:
        """The rules' days as a region file writes them: Maundy Thursday first, then the
        fixed days in calendar order."""
        fixed = tuple(f"{month:02d}-{day:02d}" for month, day in sorted(set(self.fixed_dates)))
        return ((MAUNDY_THURSDAY,) if self.maundy_thursday else ()) + fixed


def is_short_day_name(name: str) -> bool:
    """``"maundy_thursday"`` or a day of the year ``"MM-DD"`` (29 February included)."""
    if name == MAUNDY_THURSDAY:
        return True
    if len(name) != 5 or name[2] != "-" or not (name[:2] + name[3:]).isdigit():
        return False
    try:
        date(2000, int(name[:2]), int(name[3:]))  # a leap year: 02-29 is a day
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class FinnishCalendar:
    """Finnish public holidays plus the application's short-day rules."""

    short_days: ShortDayRules = field(default_factory=ShortDayRules)

    def is_holiday(self, day: date) -> bool:
        return day in _finnish_holidays(day.year, "fi")

    def holiday_name(self, day: date, language: str = "fi") -> str | None:
        """The holiday's name in ``language`` (fi, sv, en), or None on an ordinary day."""
        names = _finnish_holidays(day.year, _HOLIDAY_LANGUAGES.get(language, "fi"))
        return names.get(day)

    def short_day_closes(self, day: date) -> time | None:
        """The early closing time on a short day, else None (holidays are not short days)."""
        if self.is_holiday(day):
            return None
        rules = self.short_days
        if (day.month, day.day) in rules.fixed_dates:
            return rules.closes_at
        if rules.maundy_thursday and day == easter(day.year) - timedelta(days=3):
            return rules.closes_at
        return None


@lru_cache(maxsize=64)
def _finnish_holidays(year: int, language: str) -> dict[date, str]:
    return dict(holidays.Finland(years=year, language=language).items())


#: The built-in rules, used when a caller passes no calendar (pure tests); the
#: application passes the region's (``booking.data.short_days.region_calendar``).
DEFAULT_CALENDAR = FinnishCalendar()


def opening_spans(
    weekly: WeeklyHours,
    closures: Sequence[ClosureRule],
    first_day: date,
    last_day: date,
    tz: ZoneInfo,
    calendar: FinnishCalendar = DEFAULT_CALENDAR,
) -> list[Span]:
    """A point's opening hours from ``first_day`` to ``last_day`` (inclusive, local dates):
    weekly hours, minus public holidays, minus closures, cut at a short day's closing."""
    closures_by_day: dict[date, list[ClosureRule]] = {}
    for closure in closures:
        if first_day <= closure.closed_on <= last_day:
            closures_by_day.setdefault(closure.closed_on, []).append(closure)
    spans: list[Span] = []
    for day in _days(first_day, last_day):
        intervals = weekly.get(day.weekday())
        if not intervals or calendar.is_holiday(day):
            continue
        local = [_minutes(opens, closes) for opens, closes in intervals]
        early = calendar.short_day_closes(day)
        if early is not None:
            local = _subtract(local, [(_minute_of(early), 24 * 60)])
        day_closures = closures_by_day.get(day, ())
        if any(c.whole_day for c in day_closures):
            continue
        local = _subtract(local, [_closure_minutes(c) for c in day_closures])
        spans.extend(_to_utc_spans(day, local, tz))
    return _merge(spans)


def working_spans(
    weekly: WeeklyHours,
    absences: Sequence[Span],
    first_day: date,
    last_day: date,
    tz: ZoneInfo,
    calendar: FinnishCalendar = DEFAULT_CALENDAR,
) -> list[Span]:
    """An expert's working time: weekly hours (local), minus public holidays, minus absences."""
    spans: list[Span] = []
    for day in _days(first_day, last_day):
        intervals = weekly.get(day.weekday())
        if not intervals or calendar.is_holiday(day):
            continue
        spans.extend(_to_utc_spans(day, [_minutes(s, e) for s, e in intervals], tz))
    return subtract_spans(_merge(spans), absences)


def subtract_spans(spans: Sequence[Span], removed: Sequence[Span]) -> list[Span]:
    """``spans`` (sorted, disjoint) minus every span in ``removed`` (any order)."""
    if not removed:
        return list(spans)
    cuts = sorted((r.start, r.end) for r in removed if r.end > r.start)
    result: list[Span] = []
    index = 0
    for span in spans:
        start = span.start
        while index < len(cuts) and cuts[index][1] <= start:
            index += 1
        probe = index
        while probe < len(cuts) and cuts[probe][0] < span.end:
            cut_start, cut_end = cuts[probe]
            if cut_start > start:
                result.append(Span(start, cut_start))
            start = max(start, cut_end)
            probe += 1
        if start < span.end:
            result.append(Span(start, span.end))
    return result


def _days(first_day: date, last_day: date):
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def _minute_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _minutes(opens: time, closes: time) -> tuple[int, int]:
    # A closing time of 00:00 means midnight at the end of the day.
    end = _minute_of(closes) or 24 * 60
    return _minute_of(opens), end


def _closure_minutes(closure: ClosureRule) -> tuple[int, int]:
    start = 0 if closure.starts is None else _minute_of(closure.starts)
    end = 24 * 60 if closure.ends is None else (_minute_of(closure.ends) or 24 * 60)
    return start, end


def _subtract(intervals: list[tuple[int, int]], cuts: list[tuple[int, int]]):
    result = []
    for start, end in intervals:
        pieces = [(start, end)]
        for cut_start, cut_end in cuts:
            pieces = [
                piece
                for s, e in pieces
                for piece in ((s, min(e, cut_start)), (max(s, cut_end), e))
                if piece[0] < piece[1]
            ]
        result.extend(pieces)
    return result


def _to_utc_spans(day: date, intervals: list[tuple[int, int]], tz: ZoneInfo) -> list[Span]:
    spans = []
    for start, end in intervals:
        if start < end:
            spans.append(Span(_local_instant(day, start, tz), _local_instant(day, end, tz)))
    return [s for s in spans if s.start < s.end]


def _local_instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of local wall time ``minute`` after midnight of ``day`` (fold 0)."""
    if minute >= 24 * 60:
        day, minute = day + timedelta(days=1), minute - 24 * 60
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    return wall.astimezone(UTC)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged
