"""Free times of a point's service from the database, and the pick for a booking.

No Flask here: every function takes a SQLAlchemy ``Session`` and never commits;
the data comes through ``booking.data.calendar_inputs``.

``free_times`` caches the part of the answer that does not depend on ``now``
(see ``booking.data.calendar_revision``); ``pick_for_booking`` always reads afresh.
A hold (an online booking waiting for its code) is busy only until its
``expires_at``, compared with the request's own ``now``, so a lapsed hold's time
is offered again with nothing written; a cached answer is served only for the
instants that read its holds alike (``HoldSpan``).  A range not cached is made of
its point's half and its agency's half, each cached on its own and brought up to
date day by day when only its day revisions moved (``booking.data.range_halves``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.availability_cache import HoldSpan, cache_for, clear_availability_cache
from booking.data.calendar_inputs import (
    AvailabilityInputs,
    Hold,
    UnknownPointOrService,
    availability_inputs,
    engine_arguments,
    fixed_inputs,
    local_day_window,
)
from booking.data.calendar_reads import read_calendar
from booking.data.calendar_revision import bump_calendar_revision, may_use_cache
from booking.data.calendar_signal import REGION_SLOT, scope_slot, signal_of_engine
from booking.data.calendar_spans import seconds
from booking.data.calendar_stamps import (
    Stamp,
    agency_scope,
    availability_stamp,
    availability_stamps,
    engine_of,
    point_scope,
)
from booking.data.enums import ACTIVE_STATUSES
from booking.data.kept_facts import (
    prefetch_range,
    region_calendar_kept,
    service_at_point_kept,
    services_at_points_kept,
)
from booking.data.models import Appointment, ServicePoint
from booking.data.range_halves import Asked, Found, free_starts, free_starts_at_points
from booking.engine.calendar_rules import FinnishCalendar
from booking.engine.clock import require_aware
from booking.engine.slots import (
    ServiceRules,
    bookable_starts,
    choose_resources,
    free_slots,
)

__all__ = [
    "AvailabilityInputs",
    "UnknownPointOrService",
    "availability_inputs",
    "bump_calendar_revision",
    "clear_availability_cache",
    "free_times",
    "free_times_answer",
    "free_times_at_points",
    "local_day_window",
    "pick_for_booking",
    "signal_slots",
]


@dataclass(frozen=True)
class _CachedStarts:
    """Candidate starts of a range, with what they were computed under: the stamp and
    the day revisions read before the data, and the instants they hold for."""

    starts: tuple[datetime, ...]
    valid: HoldSpan
    stamp: Stamp
    #: The service's rules and the point's zone, for the answer's notice and horizon
    #: (only these: a national cache holds thousands of ranges, and their opening
    #: spans kept too doubled the objects Python's full collections go through).
    rules: ServiceRules
    tz: ZoneInfo
    #: The agency's half the starts rest on: its cache key and version (``Found``).
    agency_half: tuple[Hashable, int]

    def current(self, stamp: Stamp, moment: float) -> bool:
        """Whether these starts may be served under ``stamp`` at ``moment``."""
        return self.stamp == stamp and self.valid.holds_at(moment)


def free_times(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
    *,
    calendar: FinnishCalendar | None = None,
    min_notice: timedelta | None = None,
    ignoring_appointment_id: int | None = None,
) -> list[datetime]:
    """Bookable start times (aware UTC, ascending) of ``service_id`` at ``point_id`` on the
    local dates ``first_day`` to ``last_day``.  Raises ``UnknownPointOrService``; a
    service not offered at the point has no times.  Never serves a taken time: see
    ``booking.data.calendar_revision``.

    ``min_notice`` replaces the service's minimum notice (``timedelta(0)``: any start
    from ``now`` on); it is applied after the cache, so every caller shares one entry.
    ``ignoring_appointment_id``: that appointment's own time counts as free (a move
    may overlap it); such an answer is computed afresh, never cached.  ``calendar``:
    the region's from the database unless given (a change of it raises the calendar
    revision, so the cache key needs only the revisions)."""
    ignoring = _span_of(session, ignoring_appointment_id)
    if ignoring is not None or not may_use_cache(session):
        inputs = availability_inputs(
            session, point_id, service_id, first_day, last_day, calendar, ignoring=ignoring, now=now
        )
        arguments = engine_arguments(inputs)
        arguments["rules"] = _with_notice(inputs.rules, min_notice)
        return free_slots(**arguments, now=now)
    stamp = availability_stamp(session, point_id, service_id, first_day, last_day)
    cached = _cached_starts(
        session, point_id, service_id, first_day, last_day, now, stamp, calendar
    )
    return bookable_starts(cached.starts, _with_notice(cached.rules, min_notice), now, cached.tz)


def free_times_at_points(
    session: Session,
    point_ids: list[str],
    service_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
    *,
    min_notice: timedelta | None = None,
) -> dict[str, list[datetime]]:
    """``free_times`` of one service at each of ``point_ids`` (those that exist), with a
    few queries for all of them rather than a few for each: their stamps in one, and
    the ranges not cached from their halves: the agency's once, the points' together
    (one query for their rooms' appointments)."""
    if not may_use_cache(session):
        return {
            point: free_times(
                session, point, service_id, first_day, last_day, now, min_notice=min_notice
            )
            for point in point_ids
        }
    stamps = availability_stamps(session, point_ids, service_id, first_day, last_day)
    cache = cache_for(session)
    moment = now.timestamp()
    found: dict[str, _CachedStarts] = {}
    for point, stamp in stamps.items():
        cached = cache.get((point, service_id, first_day, last_day, None))
        if cached is not None and cached.current(stamp, moment):
            found[point] = cached
    missing = [point for point in stamps if point not in found]
    if missing:

        def compute(reader: Session) -> tuple[dict[str, AvailabilityInputs], dict[str, Found]]:
            facts = services_at_points_kept(reader, cache, missing, service_id, stamps)
            region = region_calendar_kept(reader, cache, stamps[missing[0]][0])
            fixed = {
                point: fixed_inputs(each, first_day, last_day, region)
                for point, each in facts.items()
            }
            asked = {point: Asked(point, service_id, first_day, last_day, None) for point in facts}
            agency_id = next((each.agency_id for each in facts.values()), "")
            return fixed, free_starts_at_points(reader, cache, asked, agency_id, fixed, stamps, now)

        fixed, computed = read_calendar(session, compute)
        for point, each in computed.items():
            rules, tz = fixed[point].rules, fixed[point].tz
            found[point] = _CachedStarts(
                each.starts, each.valid, stamps[point], rules, tz, each.agency_half
            )
            cache.put((point, service_id, first_day, last_day, None), found[point])
    return {
        point: bookable_starts(
            cached.starts, _with_notice(cached.rules, min_notice), now, cached.tz
        )
        for point, cached in found.items()
    }


def free_times_answer(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
    stamp: Stamp,
) -> tuple[list[datetime], HoldSpan, tuple[Hashable, int]]:
    """``free_times`` with the service's own notice, for a caller that caches its own
    form of the answer under ``stamp`` (read with ``availability_stamp`` before this
    call): the times, the instants for which they stay the same — until a hold
    lapses, the notice passes the first time, or the day changes — and the agency's
    half they rest on (its key and version: ``range_halves.Found``).  The caller
    must check ``may_use_cache`` first."""
    cached = _cached_starts(session, point_id, service_id, first_day, last_day, now, stamp)
    starts = cached.starts
    earliest = now + cached.rules.min_notice
    first = bisect_left(starts, earliest)
    times = bookable_starts(starts, cached.rules, now, cached.tz)
    local_day = now.astimezone(cached.tz).date()
    today = local_day_window(local_day, local_day, cached.tz)
    since = today.start.timestamp()
    if first > 0:  # one moment later than this, that time is too soon
        since = max(since, (starts[first - 1] - cached.rules.min_notice).timestamp() + 0.001)
    until = today.end.timestamp()
    if first < len(starts):
        until = min(until, (starts[first] - cached.rules.min_notice).timestamp())
    return times, cached.valid.within(HoldSpan(since, until)), cached.agency_half


def _cached_starts(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
    stamp: Stamp,
    calendar: FinnishCalendar | None = None,
) -> _CachedStarts:
    """The candidate starts of the range, from the cache when computed under ``stamp``
    and valid at ``now``; else from its point's and its agency's halves
    (``booking.data.range_halves``), the data at least as new as ``stamp``."""
    cache = cache_for(session)
    key = (point_id, service_id, first_day, last_day, calendar)
    cached = cache.get(key)
    if cached is not None and cached.current(stamp, now.timestamp()):
        return cached

    asked = Asked(point_id, service_id, first_day, last_day, calendar)

    def compute(reader: Session) -> tuple[AvailabilityInputs, Found]:
        prefetch_range(reader, cache, asked, stamp, now)
        region = calendar or region_calendar_kept(reader, cache, stamp[0])
        facts = service_at_point_kept(reader, cache, point_id, service_id, stamp)
        fixed = fixed_inputs(facts, first_day, last_day, region)
        return fixed, free_starts(reader, cache, asked, facts.agency_id, fixed, stamp, now)

    fixed, found = read_calendar(session, compute)
    cached = _CachedStarts(
        found.starts, found.valid, stamp, fixed.rules, fixed.tz, found.agency_half
    )
    cache.put(key, cached)
    return cached


def signal_slots(
    session: Session, point_id: str, service_id: str, stamp: Stamp
) -> tuple[int, ...] | None:
    """The calendar signal's slots an answer for ``service_id`` at ``point_id`` rests on:
    the region's, the point's and the service's agency's (the agency as the point's
    service kept under ``stamp`` says, usually without a query).  None where the
    database has no shared signal, or the point or service is unknown."""
    if not signal_of_engine(engine_of(session)).shared:
        return None
    try:
        facts = service_at_point_kept(session, cache_for(session), point_id, service_id, stamp)
    except UnknownPointOrService:
        return None
    return REGION_SLOT, scope_slot(point_scope(point_id)), scope_slot(agency_scope(facts.agency_id))


def _with_notice(rules: ServiceRules, min_notice: timedelta | None) -> ServiceRules:
    return rules if min_notice is None else replace(rules, min_notice=min_notice)


def _span_of(session: Session, appointment_id: int | None) -> Hold | None:
    """The hold of an active appointment, or None (no id, unknown, or not active)."""
    if appointment_id is None:
        return None
    row = session.execute(
        select(
            Appointment.room_id,
            Appointment.expert_id,
            Appointment.starts_at,
            Appointment.blocked_until,
        ).where(Appointment.id == appointment_id, Appointment.status.in_(ACTIVE_STATUSES))
    ).one_or_none()
    if row is None:
        return None
    room_id, expert_id, starts_at, blocked_until = row
    return room_id, expert_id, seconds(starts_at), seconds(blocked_until)


def pick_for_booking(
    session: Session,
    point_id: str,
    service_id: str,
    start: datetime,
    now: datetime,
    *,
    calendar: FinnishCalendar | None = None,
    min_notice: timedelta | None = None,
) -> tuple[int, int] | None:
    """The (room id, expert id) to book at ``start``, chosen fairly (fewest bookings that
    local day, then lowest id); None when ``start`` is not a bookable time.  Reads the
    database afresh (no cache): call it in the booking's own transaction.
    ``min_notice`` replaces the service's minimum notice, as in ``free_times``."""
    start = require_aware(start)
    tz = _point_zone(session, point_id)
    day = start.astimezone(tz).date()
    inputs = availability_inputs(session, point_id, service_id, day, day, calendar, now=now)
    arguments = engine_arguments(inputs)
    arguments["rules"] = _with_notice(inputs.rules, min_notice)
    if start not in free_slots(**arguments, now=now):
        return None
    return choose_resources(start, rooms=inputs.rooms, experts=inputs.experts, rules=inputs.rules)


def _point_zone(session: Session, point_id: str) -> ZoneInfo:
    zone = session.scalar(select(ServicePoint.timezone).where(ServicePoint.id == point_id))
    if zone is None:
        raise UnknownPointOrService(f"no point {point_id!r}")
    return ZoneInfo(zone)
