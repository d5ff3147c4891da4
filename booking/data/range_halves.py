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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from booking.data.availability_cache import AvailabilityCache, HoldSpan
from booking.data.calendar_inputs import AvailabilityInputs, load_busy, local_day_window
from booking.data.calendar_queries import ROOM, CalendarQueries, calendar_queries
from booking.data.calendar_stamps import DayRevisions, Stamp, day_revisions
from booking.data.day_redo import days_to_redo, runs
from booking.data.expert_rounds import ANYONE, expert_starts
from booking.engine.calendar_rules import FinnishCalendar
from booking.engine.slots import Resource, Span, candidate_starts

#: A half whose appointments changed on more local days than this is computed again
#: whole (one set of queries) rather than day by day.
MOST_DAYS_REDONE = 6

#: Computes a half's starts in a window: (connection, queries, fixed, window, now).
Compute = Callable[..., tuple[list[datetime], HoldSpan]]


@dataclass(frozen=True)
class _Half:
    """One half's starts, the instants they hold for, the (region, scope, day sum)
    revisions they were computed under and that scope's day revisions."""

    starts: tuple[datetime, ...]
    valid: HoldSpan
    under: tuple[int, int, int]
    days: DayRevisions


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
) -> tuple[tuple[datetime, ...], HoldSpan]:
    """The candidate starts of ``asked`` (hours, rooms and working time ``fixed``, read
    under ``stamp``) and the instants they hold for: each half from the cache when
    computed under the same revisions, else computed (only changed days, when it can)."""
    point, service = asked.point_id, asked.service_id
    days_of: list[DayRevisions] = []
    halves = []
    for key, under, scope, compute in (
        (("rooms", point), (stamp[0], stamp[1], stamp[3]), "p:", room_starts),
        (("experts", agency_id, fixed.tz.key), (stamp[0], stamp[2], stamp[4]), "a:", expert_starts),
    ):
        full_key = (*key, service, asked.first_day, asked.last_day, asked.calendar)
        kept = cache.get(full_key)
        if kept is None or kept.under != under or not kept.valid.holds_at(now.timestamp()):
            if not days_of:  # read before the data, once for both halves
                days_of.append(
                    day_revisions(session, point, service, asked.first_day, asked.last_day)
                )
            days = {day: value for day, value in days_of[0].items() if day[0].startswith(scope)}
            kept = _computed(session, kept, under, days, asked, fixed, compute, now)
            cache.put(full_key, kept)
        halves.append(kept)
    rooms, experts = halves
    by_experts = set(experts.starts)
    return tuple(s for s in rooms.starts if s in by_experts), rooms.valid.within(experts.valid)


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
    if kept is not None and kept.under[:2] == under[:2] and kept.valid.holds_at(now.timestamp()):
        redo = days_to_redo(kept.days, days, asked.first_day, asked.last_day, fixed.tz)
    if redo is None or len(redo) > MOST_DAYS_REDONE:
        starts, valid = compute(connection, queries, fixed, fixed.window, now)
        return _Half(tuple(starts), valid, under, days)
    starts, valid = list(kept.starts), kept.valid
    for first, last in runs(redo):
        window = local_day_window(first, last, fixed.tz)
        again, held = compute(connection, queries, fixed, window, now)
        starts = [start for start in starts if not window.start <= start < window.end] + again
        valid = valid.within(held)
    return _Half(tuple(sorted(starts)), valid, under, days)


def room_starts(
    connection,
    queries: CalendarQueries,
    fixed: AvailabilityInputs,
    window: Span,
    now: datetime | None,
) -> tuple[list[datetime], HoldSpan]:
    """The grid starts in ``window`` at which the point of ``fixed`` is open and one of
    its rooms is free, and the instants for which that reading of their holds stands."""
    opening = [span for span in fixed.opening if _meets(span, window)]
    room_ids = [room.id for room in fixed.rooms]
    if not opening or not room_ids:
        return [], HoldSpan()
    busy, valid = load_busy(connection, queries, room_ids, [], window, fixed.rules, now)
    starts = candidate_starts(
        opening=opening,
        rooms=[Resource(room, sorted(busy[ROOM].get(room, ()))) for room in room_ids],
        experts=[ANYONE],
        rules=fixed.rules,
        window=window,
        tz=fixed.tz,
    )
    return starts, valid


def _meets(span: Span, window: Span) -> bool:
    return span.end > window.start and span.start < window.end
