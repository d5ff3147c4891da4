"""Calendars as the engine takes them: epoch-second spans, weekly patterns, resources."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, time
from functools import lru_cache

from booking.engine.calendar_rules import FinnishCalendar, working_spans
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


def drop_span(busy: dict, resource_id: int, span: tuple[int, int]) -> None:
    """Remove ``span`` from a resource's busy spans (the database guard lets an active
    appointment's span appear at most once per room and per expert)."""
    spans = busy.get(resource_id)
    if spans and span in spans:
        spans.remove(span)


def weekly_key(weekly: dict[int, list[tuple[time, time]]]) -> tuple:
    return tuple(sorted((day, tuple(sorted(spans))) for day, spans in weekly.items()))


@lru_cache(maxsize=1024)
def weekly_pattern(text: str) -> tuple:
    """``weekday@starts@ends`` intervals joined by commas, in any order, as the
    ``weekly_key`` of those hours (one object for each text: experts share them)."""
    hours: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for interval in text.split(","):
        weekday, starts, ends = interval.split("@")
        hours[int(weekday)].append((time.fromisoformat(starts), time.fromisoformat(ends)))
    return weekly_key(hours)


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
