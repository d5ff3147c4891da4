"""Calendars as the engine takes them: epoch-second spans, weekly patterns, resources."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from booking.engine.calendar_rules import (
    ClosureRule,
    FinnishCalendar,
    Span,
    opening_spans,
    working_spans,
)
from booking.engine.clock import HELSINKI
from booking.engine.slots import Resource


@lru_cache(maxsize=1024)
def working_seconds(
    weekly: tuple, first_day: date, last_day: date, calendar: FinnishCalendar
) -> tuple[tuple[int, int], ...]:
    """An expert's weekly hours (Helsinki) as epoch-second spans, holidays left out.
    Pure calendar arithmetic, so remembered: many experts share one pattern."""
    spans = working_spans(dict(weekly), (), first_day, last_day, HELSINKI, calendar)
    return tuple((seconds(s.start), seconds(s.end)) for s in spans)


@lru_cache(maxsize=1024)
def point_opening(
    hours: tuple,
    closures: tuple[ClosureRule, ...],
    first_day: date,
    last_day: date,
    tz: ZoneInfo,
    calendar: FinnishCalendar,
) -> tuple[Span, ...]:
    """A point's opening spans (``opening_spans``) from its weekly hours as ``weekly_key``
    gives them: pure calendar arithmetic, so remembered for every service and answer of
    the point over the same days (in a profile, a quarter of computing a range again)."""
    return tuple(opening_spans(dict(hours), closures, first_day, last_day, tz, calendar))


#: The agency's experts who do a service, by weekly hours: (``weekly_key``, expert ids
#: ascending) for each distinct week.
ExpertsByHours = tuple[tuple[tuple, tuple[int, ...]], ...]


@lru_cache(maxsize=64)
def experts_by_hours(rows: tuple[tuple[str, str], ...]) -> ExpertsByHours:
    """The experts' weeks as the database groups them (rows of a week as
    ``Expert.week`` writes it and the comma-joined ids of the experts who work it)
    → ``ExpertsByHours``: one object for the same rows, so every point of an agency
    shares it."""
    grouped: dict[tuple, list[int]] = defaultdict(list)
    for week, ids in rows:
        grouped[weekly_key(weekly(_intervals(week)))].extend(int(each) for each in ids.split(","))
    return tuple((pattern, tuple(sorted(ids))) for pattern, ids in grouped.items())


def _intervals(week: str) -> list[tuple[int, time, time]]:
    """``Expert.week`` ("weekday starts ends" joined with ";") as intervals."""
    intervals = []
    for interval in week.split(";"):
        weekday, starts, ends = interval.split(" ")
        intervals.append((int(weekday), time.fromisoformat(starts), time.fromisoformat(ends)))
    return intervals


def _expert_patterns(by_hours: ExpertsByHours) -> list[tuple[int, tuple]]:
    """(expert id, weekly pattern) of each expert, by id."""
    return sorted((expert, pattern) for pattern, ids in by_hours for expert in ids)


@lru_cache(maxsize=256)
def working_experts(
    by_hours: ExpertsByHours, first_day: date, last_day: date, calendar: FinnishCalendar
) -> tuple[Resource, ...]:
    """The experts, by id, with their working time from ``first_day`` to ``last_day`` and
    nothing busy: shared by every range and point that ask the same."""
    working = {
        pattern: working_seconds(pattern, first_day, last_day, calendar) for pattern, _ in by_hours
    }
    return tuple(
        Resource(expert, (), working[pattern]) for expert, pattern in _expert_patterns(by_hours)
    )


def drop_span(busy: dict, resource_id: int, span: tuple[int, int]) -> None:
    """Remove ``span`` from a resource's busy spans (the database guard lets an active
    appointment's span appear at most once per room and per expert)."""
    spans = busy.get(resource_id)
    if spans and span in spans:
        spans.remove(span)


def weekly_key(weekly: dict[int, list[tuple[time, time]]]) -> tuple:
    return tuple(sorted((day, tuple(sorted(spans))) for day, spans in weekly.items()))


def subtract_seconds(spans, cuts) -> list[tuple[int, int]]:
    """Sorted disjoint ``spans`` minus ``cuts`` (any order), all in epoch seconds."""
    if not cuts:
        return list(spans)
    cuts = sorted(cuts)
    result = []
    for start, end in spans:
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                result.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def weekly(rows) -> dict[int, list[tuple[time, time]]]:
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, opens, closes in rows:
        weekly[weekday].append((opens, closes))
    return weekly


def resource(resource_id: int, busy: dict, window: tuple[int, int], available=None) -> Resource:
    spans = sorted(busy.get(resource_id, ()))
    booked = bisect_left(spans, (window[1],)) - bisect_left(spans, (window[0],))
    return Resource(resource_id, spans, available, booked)


def seconds(moment: datetime) -> int:
    return math.floor(moment.timestamp())
