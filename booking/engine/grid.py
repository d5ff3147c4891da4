"""Grid instants: the start times a service's grid allows, in local wall time.

A start is on the grid when its minutes since local midnight are a multiple of
the grid step, so the grid stays right on the days the clocks change.  Pure: no
Flask, no database.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

#: Closed intervals of allowed start instants, integer seconds since the epoch.
Intervals = list[tuple[int, int]]
#: One local day's grid instants: as integer seconds and as datetimes, ascending.
DayGrid = tuple[tuple[int, ...], tuple[datetime, ...]]


def grid_points(allowed: Intervals, grid: timedelta, tz: ZoneInfo) -> list[datetime]:
    """The instants in ``allowed`` whose local minute of the day is a multiple of ``grid``."""
    if not allowed:
        return []
    step = int(grid.total_seconds()) // 60
    key = getattr(tz, "key", None) or str(tz)
    first_day = _local_date(allowed[0][0], tz)
    last_day = _local_date(allowed[-1][1], tz)
    seconds: list[int] = []
    moments: list[datetime] = []
    day = first_day - timedelta(days=1)  # a previous day's late grid may fall inside
    while day <= last_day + timedelta(days=1):
        day_seconds, day_moments = day_grid(day.toordinal(), step, key)
        seconds.extend(day_seconds)
        moments.extend(day_moments)
        day += timedelta(days=1)
    result: list[datetime] = []
    for first, last in allowed:
        result.extend(moments[bisect_left(seconds, first) : bisect_right(seconds, last)])
    return result


@lru_cache(maxsize=4096)
def day_grid(ordinal: int, step: int, zone_key: str) -> DayGrid:
    """Grid instants of one local day, ascending: each wall time that exists, twice if
    the clocks fall back over it, never a wall time the clocks spring over."""
    tz = ZoneInfo(zone_key)
    day = date.fromordinal(ordinal)
    midnight = local_midnight(day, tz)
    next_midnight = local_midnight(day + timedelta(days=1), tz)
    first = _seconds(midnight)
    if _seconds(next_midnight) - first == 86_400 and (
        midnight.utcoffset() == next_midnight.utcoffset()
    ):  # no clock change that day: the grid is plain arithmetic
        seconds = tuple(first + minute * 60 for minute in range(0, 24 * 60, step))
        return seconds, tuple(datetime.fromtimestamp(s, UTC) for s in seconds)
    instants = set()
    for minute in range(0, 24 * 60, step):
        wall = datetime.combine(day, time(minute // 60, minute % 60))
        for fold in (0, 1):
            moment = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
            if moment.astimezone(tz).replace(tzinfo=None) == wall:
                instants.add(moment)
    ordered = sorted(instants)
    return tuple(_seconds(m) for m in ordered), tuple(ordered)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _local_date(moment: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(moment, tz).date()


def _seconds(moment: datetime) -> int:
    return math.floor(moment.timestamp())
