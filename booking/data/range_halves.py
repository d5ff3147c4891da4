"""A range's free starts as two halves kept apart: its point's and its agency's.

A start is free when the point is open and one of its rooms is free, which rests
on the point alone (its hours, closures, rooms and their appointments), and when
one of the agency's experts who do the service is free, which rests on the
agency alone and is the same at every point.  So each half is cached on its own,
under the revisions it rests on (the region's, then the point's or the agency's,
and the sum of that scope's day revisions in the range), and a range's starts
are the starts of both.  A booking changes its point's half and its agency's
half: the agency's, shared by every point offering the service, is computed
again once rather than once for each point, and the other points' halves stay.
When only a half's day revisions moved, only the local days touching a changed
date are computed again and spliced in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache as cache_once
from functools import partial

from sqlalchemy.orm import Session

from booking.data.availability_cache import AvailabilityCache, HoldSpan
from booking.data.calendar_inputs import AvailabilityInputs, load_busy, local_day_window
from booking.data.calendar_queries import ROOM, CalendarQueries, calendar_queries
from booking.data.calendar_stamps import (
    DayRevisions,
    Stamp,
    day_revisions,
    day_revisions_at_points,
)
from booking.data.day_redo import days_to_redo, runs
from booking.data.expert_rounds import ANYONE, ONE_GO, Busy, expert_starts, first_round
from booking.engine.calendar_rules import FinnishCalendar
from booking.engine.slots import Resource, Span, candidate_starts

#: A half whose appointments changed on more local days than this is computed again
#: whole (one set of queries) rather than day by day.
MOST_DAYS_REDONE = 6

#: Computes a half's starts in a window: (connection, queries, fixed, window, now).
Compute = Callable[..., tuple[list[datetime], HoldSpan]]

#: Versions of halves: a half computed again keeps its version while its starts and
#: the instants they hold for come out the same.
_versions = itertools.count(1)


@dataclass(frozen=True)
class _Half:
    """One half's starts, the instants they hold for, the (region, scope, day sum)
    revisions they were computed under, that scope's day revisions, and its version."""

    starts: tuple[datetime, ...]
    valid: HoldSpan
    under: tuple[int, int, int]
    days: DayRevisions
    version: int


@dataclass(frozen=True)
class Found:
    """A range's free starts, the instants they hold for, and the agency's half they
    rest on: its cache key and its version (the same while that half reads the same,
    whatever its revisions)."""

    starts: tuple[datetime, ...]
    valid: HoldSpan
    agency_half: tuple[Hashable, int]


def _half(
    kept: _Half | None,
    starts: tuple[datetime, ...],
    valid: HoldSpan,
    under: tuple[int, int, int],
    days: DayRevisions,
) -> _Half:
    """A half computed under ``under``: ``kept``'s version when it reads the same."""
    same = kept is not None and kept.starts == starts and kept.valid == valid
    return _Half(starts, valid, under, days, kept.version if same else next(_versions))


@dataclass(frozen=True)
class Asked:
    """The range asked: its point, service, days and calendar (None: the region's)."""

    point_id: str
    service_id: str
    first_day: date
    last_day: date
    calendar: FinnishCalendar | None


def free_starts(
    session: Session,
    cache: AvailabilityCache,
    asked: Asked,
    agency_id: str,
    fixed: AvailabilityInputs,
    stamp: Stamp,
    now: datetime,
) -> Found:
    """The candidate starts of ``asked`` (hours, rooms and working time ``fixed``, read
    under ``stamp``) and the instants they hold for: each half from the cache when
    computed under the same revisions, else computed (only changed days, when it can)."""
    read_days = cache_once(  # before the data, once for both halves
        lambda: day_revisions(
            session, asked.point_id, asked.service_id, asked.first_day, asked.last_day
        )
    )

    def days(scope: str) -> DayRevisions:
        return _of_scope(read_days(), scope)

    rooms_key, rooms_under = _rooms_half(asked, stamp)
    rooms = cache.get(rooms_key)
    experts_key, experts_under = _experts_key(asked, agency_id, fixed, stamp)
    rooms_compute, experts_compute = room_starts, expert_starts
    if _whole(rooms, rooms_under, now) and _whole(cache.get(experts_key), experts_under, now):
        # Both computed whole: the rooms' and the first experts' appointments in one
        # query (each half then holds while neither reading's holds lapse).
        read_days()
        busy = load_busy(
            session.connection(),
            calendar_queries(session.get_bind().dialect.name),
            [room.id for room in fixed.rooms],
            first_round(fixed, fixed.window),
            fixed.window,
            fixed.rules,
            now,
        )
        rooms_compute = partial(room_starts, preloaded=busy)
        experts_compute = partial(expert_starts, preloaded=busy)
    if not _current(rooms, rooms_under, now):
        rooms = _computed(session, rooms, rooms_under, days("p:"), asked, fixed, rooms_compute, now)
        cache.put(rooms_key, rooms)
    experts = _experts_half(
        session, cache, asked, agency_id, fixed, stamp, now, days, experts_compute
    )
    return _both(rooms, *experts)


def free_starts_at_points(
    session: Session,
    cache: AvailabilityCache,
    asked: dict[str, Asked],
    agency_id: str,
    fixed: dict[str, AvailabilityInputs],
    stamps: dict[str, Stamp],
    now: datetime,
) -> dict[str, Found]:
    """``free_starts`` of one service's range at several points: the agency's half once
    (the same at every point), and the points' halves not current computed together,
    whole, with one query for the appointments of all their rooms."""
    if not asked:
        return {}
    one = next(iter(asked.values()))
    stale = {}
    for point, each in asked.items():
        key, under = _rooms_half(each, stamps[point])
        if not _current(cache.get(key), under, now):
            stale[point] = (key, under)
    experts_stale = any(
        not _current(cache.get(key), under, now)
        for key, under in (
            _experts_key(each, agency_id, fixed[point], stamps[point])
            for point, each in asked.items()
        )
    )
    days_at = {}
    if stale or experts_stale:
        days_at = day_revisions_at_points(
            session, list(asked), one.service_id, one.first_day, one.last_day
        )
    # A region's few experts are read with the rooms, in the same query.
    experts = next(iter(fixed.values())).experts
    few = experts_stale and len(experts) <= ONE_GO
    with_rooms = [expert.id for expert in experts] if few else []
    computed, busy = rooms_at_points(session, fixed, set(stale), with_rooms, now)
    compute = partial(expert_starts, preloaded=busy) if with_rooms else expert_starts
    found = {}
    for point, each in asked.items():
        if point in stale:
            key, under = stale[point]
            starts, valid = computed[point]
            days = _of_scope(days_at[point], "p:")
            cache.put(key, _half(cache.get(key), tuple(starts), valid, under, days))
        rooms = cache.get(_rooms_half(each, stamps[point])[0])
        experts = _experts_half(
            session,
            cache,
            each,
            agency_id,
            fixed[point],
            stamps[point],
            now,
            lambda scope, point=point: _of_scope(days_at[point], scope),
            compute,
        )
        found[point] = _both(rooms, *experts)
    return found


def rooms_half_current(cache: AvailabilityCache, asked: Asked, stamp: Stamp, now: datetime) -> bool:
    """Whether the point's half of ``asked`` is kept, current under ``stamp`` at ``now``."""
    key, under = _rooms_half(asked, stamp)
    return _current(cache.get(key), under, now)


def _rooms_half(asked: Asked, stamp: Stamp) -> tuple[tuple, tuple[int, int, int]]:
    """The cache key of the point's half and the (region, point, day sum) it rests on."""
    key = ("rooms", asked.point_id, asked.service_id, asked.first_day, asked.last_day)
    return (*key, asked.calendar), (stamp[0], stamp[1], stamp[3])


def _experts_key(
    asked: Asked, agency_id: str, fixed: AvailabilityInputs, stamp: Stamp
) -> tuple[tuple, tuple[int, int, int]]:
    """The cache key of the agency's half and the (region, agency, day sum) it rests on."""
    key = ("experts", agency_id, fixed.tz.key, asked.service_id, asked.first_day, asked.last_day)
    return (*key, asked.calendar), (stamp[0], stamp[2], stamp[4])


def agency_of_half(key: tuple) -> str:
    """The agency whose half ``key`` (``_experts_key``'s) names."""
    return key[1]


def _experts_half(
    session: Session,
    cache: AvailabilityCache,
    asked: Asked,
    agency_id: str,
    fixed: AvailabilityInputs,
    stamp: Stamp,
    now: datetime,
    days: Callable[[str], DayRevisions],
    compute: Compute | None = None,
) -> tuple[Hashable, _Half]:
    """The agency's half and its cache key, the half from the cache or computed
    (``days``: a scope's day revisions, read when first asked; ``compute``:
    ``expert_starts`` unless given)."""
    key, under = _experts_key(asked, agency_id, fixed, stamp)
    experts = cache.get(key)
    if not _current(experts, under, now):
        compute = compute or expert_starts
        experts = _computed(session, experts, under, days("a:"), asked, fixed, compute, now)
        cache.put(key, experts)
    return key, experts


def _current(kept: _Half | None, under: tuple, now: datetime) -> bool:
    """Whether a kept half may be used as it is under ``under`` at ``now``."""
    return kept is not None and kept.under == under and kept.valid.holds_at(now.timestamp())


def _whole(kept: _Half | None, under: tuple, now: datetime) -> bool:
    """Whether a half under ``under`` can only be computed whole at ``now``: nothing is
    kept that its changed days could be spliced into (see ``_computed``)."""
    return not (
        kept is not None and kept.under[:2] == under[:2] and kept.valid.holds_at(now.timestamp())
    )


def _of_scope(days: DayRevisions, scope: str) -> DayRevisions:
    return {day: value for day, value in days.items() if day[0].startswith(scope)}


def _both(rooms: _Half, experts_key: Hashable, experts: _Half) -> Found:
    """The starts of both halves, the instants both hold for, and the agency's half."""
    by_experts = set(experts.starts)
    starts = tuple(start for start in rooms.starts if start in by_experts)
    return Found(starts, rooms.valid.within(experts.valid), (experts_key, experts.version))


def _computed(
    session: Session,
    kept: _Half | None,
    under: tuple[int, int, int],
    days: DayRevisions,
    asked: Asked,
    fixed: AvailabilityInputs,
    compute: Compute,
    now: datetime,
) -> _Half:
    """The half under ``under``: ``kept`` with the days whose revisions moved computed
    again, when only those moved (and its holds read alike now), else computed whole."""
    queries = calendar_queries(session.get_bind().dialect.name)
    connection = session.connection()
    redo = None
    if not _whole(kept, under, now):
        redo = days_to_redo(kept.days, days, asked.first_day, asked.last_day, fixed.tz)
    if redo is None or len(redo) > MOST_DAYS_REDONE:
        starts, valid = compute(connection, queries, fixed, fixed.window, now)
        return _half(kept, tuple(starts), valid, under, days)
    starts, valid = list(kept.starts), kept.valid
    for first, last in runs(redo):
        window = local_day_window(first, last, fixed.tz)
        again, held = compute(connection, queries, fixed, window, now)
        starts = [start for start in starts if not window.start <= start < window.end] + again
        valid = valid.within(held)
    return _half(kept, tuple(sorted(starts)), valid, under, days)


def room_starts(
    connection,
    queries: CalendarQueries,
    fixed: AvailabilityInputs,
    window: Span,
    now: datetime | None,
    preloaded: Busy | None = None,
) -> tuple[list[datetime], HoldSpan]:
    """The grid starts in ``window`` at which the point of ``fixed`` is open and one of
    its rooms is free, and the instants for which that reading of their holds stands.
    ``preloaded``: the rooms' appointments over ``window`` (at least), already read."""
    opening = [span for span in fixed.opening if _meets(span, window)]
    room_ids = [room.id for room in fixed.rooms]
    if not opening or not room_ids:
        return [], HoldSpan()
    busy, valid = preloaded or load_busy(
        connection, queries, room_ids, [], window, fixed.rules, now
    )
    rooms = [Resource(room, sorted(busy[ROOM].get(room, ()))) for room in room_ids]
    return _open_with_a_room(fixed, rooms, opening, window), valid


def rooms_at_points(
    session: Session,
    fixed: dict[str, AvailabilityInputs],
    stale: set[str],
    expert_ids: list[int],
    now: datetime,
) -> tuple[dict[str, tuple[list[datetime], HoldSpan]], Busy | None]:
    """``room_starts`` of the ``stale`` points over their whole ranges, with one query
    for the appointments of all their rooms and of ``expert_ids`` over every range
    in ``fixed``; and that reading (None when nothing was read)."""
    if not stale and not expert_ids:
        return {}, None
    queries = calendar_queries(session.get_bind().dialect.name)
    room_ids = [room.id for point in stale for room in fixed[point].rooms]
    window = Span(
        min(each.window.start for each in fixed.values()),
        max(each.window.end for each in fixed.values()),
    )
    rules = next(iter(fixed.values())).rules  # the service's own: the same at every point
    busy = load_busy(session.connection(), queries, room_ids, expert_ids, window, rules, now)
    read, valid = busy
    found = {}
    for point in stale:
        each = fixed[point]
        if not each.opening or not each.rooms:
            found[point] = ([], HoldSpan())
            continue
        rooms = [Resource(room.id, sorted(read[ROOM].get(room.id, ()))) for room in each.rooms]
        found[point] = (_open_with_a_room(each, rooms, each.opening, each.window), valid)
    return found, busy


def _open_with_a_room(
    fixed: AvailabilityInputs, rooms: list[Resource], opening: list[Span], window: Span
) -> list[datetime]:
    return candidate_starts(
        opening=opening,
        rooms=rooms,
        experts=[ANYONE],
        rules=fixed.rules,
        window=window,
        tz=fixed.tz,
    )


def _meets(span: Span, window: Span) -> bool:
    return span.end > window.start and span.start < window.end
