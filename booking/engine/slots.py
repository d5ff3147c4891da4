"""The slot engine: free start times from interval sets, and a fair pick of room and expert.

Pure: no Flask, no database.  It takes spans (aware UTC, half-open), rules and
``now``, and returns start times (docs/architecture.md, "Availability").  A start *t* is free when

- ``[t, t+duration)`` lies inside an opening span;
- some room has ``[t, t+duration+buffer)`` clear of its busy spans;
- some expert has ``[t, t+duration)`` inside a working span and
  ``[t, t+duration+buffer)`` clear of her busy spans (appointments at any point);
- ``t >= now + min_notice`` and the local date of *t* is at most
  ``horizon_days`` after the local date of ``now``;
- *t* is on the grid in local wall time (minutes since local midnight divisible
  by the grid step) — so right on DST days too;
- *t* lies in the asked window.

Each condition is turned into a set of allowed start instants — a sorted list of
closed integer-second intervals — and the sets are intersected (rooms and
experts are unions over resources).  Grid instants are then read off each
allowed interval by bisection in a per-day table.  The cost is linear in the
spans handed in, which the caller keeps to the asked window.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from booking.engine.calendar_rules import Span
from booking.engine.grid import Intervals, grid_points, local_midnight

__all__ = [
    "Resource",
    "ServiceRules",
    "Span",
    "bookable_starts",
    "candidate_starts",
    "choose_resources",
    "free_resources",
    "free_slots",
    "latest_start",
    "starts_some_can_take",
]


@dataclass(frozen=True)
class ServiceRules:
    """What a service asks of a start time."""

    duration: timedelta
    buffer: timedelta
    grid: timedelta
    min_notice: timedelta
    horizon_days: int


#: Spans, or the same as pairs of integer seconds since the epoch (UTC) — the form
#: the engine works in, which a caller loading many spans may hand in directly.
Spans = Sequence[Span] | Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Resource:
    """A room or an expert.

    ``busy``: active appointments as ``[starts_at, blocked_until)`` (end plus that
    appointment's own set-up buffer).  ``available``: when the resource can be
    booked at all (an expert's working spans); None means always (rooms).
    ``booked_count``: bookings that day, for a fair pick.  Spans may be given as
    ``Span`` objects or as ``(start, end)`` integer epoch seconds.
    """

    id: int
    busy: Spans
    available: Spans | None = None
    booked_count: int = 0


def free_slots(
    *,
    opening: Spans,
    rooms: Sequence[Resource],
    experts: Sequence[Resource],
    rules: ServiceRules,
    window: Span,
    now: datetime,
    tz: ZoneInfo,
) -> list[datetime]:
    """Every free start time in ``window``, ascending, as aware UTC datetimes."""
    low, high = _seconds(window.start), _seconds(window.end) - 1
    low = max(low, _ceil_seconds(now + rules.min_notice))
    high = min(high, latest_start(now, rules.horizon_days, tz))
    if low > high:
        return []
    allowed = allowed_starts(opening, rooms, experts, rules, low, high)
    return grid_points(allowed, rules.grid, tz)


def candidate_starts(
    *,
    opening: Spans,
    rooms: Sequence[Resource],
    experts: Sequence[Resource],
    rules: ServiceRules,
    window: Span,
    tz: ZoneInfo,
) -> list[datetime]:
    """The start times in ``window`` that meet every rule except minimum notice and
    horizon — the part that does not depend on ``now`` and so may be cached.
    ``bookable_starts(candidate_starts(...), ...)`` equals ``free_slots(...)``."""
    low, high = _seconds(window.start), _seconds(window.end) - 1
    if low > high:
        return []
    return grid_points(allowed_starts(opening, rooms, experts, rules, low, high), rules.grid, tz)


def bookable_starts(
    starts: Sequence[datetime], rules: ServiceRules, now: datetime, tz: ZoneInfo
) -> list[datetime]:
    """Of ascending ``starts``, those at least ``min_notice`` after ``now`` and within the
    booking horizon."""
    earliest = now + rules.min_notice
    last_day = now.astimezone(tz).date() + timedelta(days=rules.horizon_days)
    end = local_midnight(last_day + timedelta(days=1), tz)
    return list(starts[bisect_left(starts, earliest) : bisect_left(starts, end)])


def latest_start(now: datetime, horizon_days: int, tz: ZoneInfo) -> int:
    """The last second whose local date is ``horizon_days`` after the local date of ``now``."""
    last_day = now.astimezone(tz).date() + timedelta(days=horizon_days)
    return _seconds(local_midnight(last_day + timedelta(days=1), tz)) - 1


def allowed_starts(
    opening: Spans,
    rooms: Sequence[Resource],
    experts: Sequence[Resource],
    rules: ServiceRules,
    low: int,
    high: int,
) -> Intervals:
    """Start instants in ``[low, high]`` meeting every rule but the grid."""
    duration = _whole_seconds(rules.duration)
    held = duration + _whole_seconds(rules.buffer)
    allowed = _starts_inside(_merged_seconds(opening), duration, low, high)
    if not allowed:
        return []
    low, high = allowed[0][0], allowed[-1][1]
    room_starts = _union(_resource_starts(room, duration, held, low, high) for room in rooms)
    allowed = _intersect(allowed, room_starts)
    if not allowed:
        return []
    low, high = allowed[0][0], allowed[-1][1]
    expert_starts = _union(
        _resource_starts(expert, duration, held, low, high) for expert in experts
    )
    return _intersect(allowed, expert_starts)


def choose_resources(
    start: datetime,
    *,
    rooms: Sequence[Resource],
    experts: Sequence[Resource],
    rules: ServiceRules,
) -> tuple[int, int] | None:
    """The room and the expert to book at ``start``: of those free, the one with the
    fewest bookings that day, ties to the lowest id.  None when no room or no expert
    is free.  Opening hours, grid and notice are the caller's (``free_slots``) check."""
    moment = _seconds(start)
    duration = _whole_seconds(rules.duration)
    held = duration + _whole_seconds(rules.buffer)
    room = _fairest(r for r in rooms if _is_free(r, moment, duration, held))
    expert = _fairest(e for e in experts if _is_free(e, moment, duration, held))
    if room is None or expert is None:
        return None
    return room.id, expert.id


def free_resources(
    start: datetime, resources: Sequence[Resource], rules: ServiceRules
) -> list[Resource]:
    """Those of ``resources`` that can take a call at ``start``, fairest first (fewest
    bookings that day, then lowest id) — the order ``choose_resources`` picks in."""
    moment = _seconds(start)
    duration = _whole_seconds(rules.duration)
    held = duration + _whole_seconds(rules.buffer)
    free = [r for r in resources if _is_free(r, moment, duration, held)]
    return sorted(free, key=lambda r: (r.booked_count, r.id))


def starts_some_can_take(
    starts: Sequence[datetime], resources: Sequence[Resource], rules: ServiceRules
) -> list[datetime]:
    """Of ascending ``starts``, those at which one of ``resources`` can take a call —
    one pass over each resource's spans, whatever the number of starts."""
    if not starts:
        return []
    duration = _whole_seconds(rules.duration)
    held = duration + _whole_seconds(rules.buffer)
    low, high = _seconds(starts[0]), _seconds(starts[-1])
    free = _union(_resource_starts(r, duration, held, low, high) for r in resources)
    firsts = [first for first, _last in free]
    taken = []
    for start in starts:
        moment = _seconds(start)
        index = bisect_right(firsts, moment) - 1
        if index >= 0 and moment <= free[index][1]:
            taken.append(start)
    return taken


def _fairest(resources: Iterable[Resource]) -> Resource | None:
    return min(resources, key=lambda r: (r.booked_count, r.id), default=None)


def _is_free(resource: Resource, moment: int, duration: int, held: int) -> bool:
    return bool(_resource_starts(resource, duration, held, moment, moment))


def _resource_starts(resource: Resource, duration: int, held: int, low: int, high: int):
    """Starts in ``[low, high]`` at which ``resource`` can take the appointment."""
    if resource.available is None:
        candidates = [(low, high)]
    else:
        candidates = _starts_inside(_merged_seconds(resource.available), duration, low, high)
    if not candidates:
        return []
    return _intersect(candidates, _clear_of(resource.busy, held, low, high))


def _starts_inside(spans: Iterable[tuple[int, int]], duration: int, low: int, high: int):
    """Starts t in ``[low, high]`` with ``[t, t+duration)`` inside one of ``spans``
    (sorted and disjoint)."""
    result = []
    for start, end in spans:
        first, last = max(start, low), min(end - duration, high)
        if first <= last:
            if result and first <= result[-1][1] + 1:
                result[-1] = (result[-1][0], max(result[-1][1], last))
            else:
                result.append((first, last))
    return result


def _clear_of(busy: Spans, held: int, low: int, high: int) -> Intervals:
    """Starts t in ``[low, high]`` with ``[t, t+held)`` overlapping no busy span.

    A busy ``[b, e)`` forbids exactly the starts ``b-held < t < e``."""
    forbidden = [
        (start - held + 1, end - 1)
        for start, end in _as_seconds(busy)
        if end > low and start - held < high
    ]
    forbidden.sort()
    result = []
    cursor = low
    for first, last in forbidden:
        if last < cursor:
            continue
        if first > high:
            break
        if first > cursor:
            result.append((cursor, first - 1))
        cursor = last + 1
        if cursor > high:
            return result
    result.append((cursor, high))
    return result


def _intersect(left: Intervals, right: Intervals) -> Intervals:
    """Two sorted lists of disjoint closed intervals → their intersection (a merge walk)."""
    result: Intervals = []
    if not left or not right:
        return result
    append = result.append
    i, j, left_count, right_count = 0, 0, len(left), len(right)
    a_first, a_last = left[0]
    b_first, b_last = right[0]
    while True:
        first = a_first if a_first > b_first else b_first
        last = a_last if a_last < b_last else b_last
        if first <= last:
            append((first, last))
        if a_last < b_last:
            i += 1
            if i == left_count:
                return result
            a_first, a_last = left[i]
        else:
            j += 1
            if j == right_count:
                return result
            b_first, b_last = right[j]


def _union(interval_sets: Iterable[Intervals]) -> Intervals:
    """Closed intervals in any order → sorted, disjoint, touching ones joined."""
    every = [interval for intervals in interval_sets for interval in intervals]
    if not every:
        return []
    every.sort()
    result: Intervals = []
    current_first, current_last = every[0]
    for first, last in every:
        if first <= current_last + 1:
            if last > current_last:
                current_last = last
        else:
            result.append((current_first, current_last))
            current_first, current_last = first, last
    result.append((current_first, current_last))
    return result


def _merged_seconds(spans: Spans) -> list[tuple[int, int]]:
    """``spans`` as sorted integer-second pairs, touching or overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(_as_seconds(spans)):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        elif start < end:
            merged.append((start, end))
    return merged


def _as_seconds(spans: Spans) -> Sequence[tuple[int, int]]:
    if not spans or not isinstance(spans[0], Span):
        return spans  # already integer seconds
    return [(_seconds(s.start), _seconds(s.end)) for s in spans]


def _seconds(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _ceil_seconds(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def _whole_seconds(length: timedelta) -> int:
    return int(length.total_seconds())
