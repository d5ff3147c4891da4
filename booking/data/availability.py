"""From the database to the slot engine: load a point's and a service's calendars.

No Flask here: every function takes a SQLAlchemy ``Session`` and never commits.
Queries are few and lean — only the columns the engine needs, appointments by
indexed ranges on ``starts_at`` (an appointment is shorter than a day, so
``starts_at > window_start - 1 day`` bounds the scan) — so the cost follows the
appointments inside the asked window, not the history.

``free_times`` caches the part of the answer that does not depend on ``now``
(see ``booking.data.calendar_revision``); ``pick_for_booking`` always reads afresh.
A hold (an online booking waiting for its code) is busy only until its
``expires_at``, compared with the request's own ``now``, so a lapsed hold's time
is offered again with nothing written; a cached answer is served only for the
instants that read its holds alike (``HoldSpan``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.availability_cache import HoldSpan, cache_for, clear_availability_cache
from booking.data.calendar_queries import ABSENT, EXPERT, ROOM, calendar_queries
from booking.data.calendar_revision import (
    Stamp,
    availability_stamp,
    bump_calendar_revision,
    may_use_cache,
)
from booking.data.calendar_spans import (
    drop_span,
    resource,
    seconds,
    subtract_seconds,
    weekly,
    weekly_key,
    working_seconds,
)
from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment, ServicePoint
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import (
    ClosureRule,
    FinnishCalendar,
    opening_spans,
)
from booking.engine.clock import require_aware
from booking.engine.slots import (
    Resource,
    ServiceRules,
    Span,
    bookable_starts,
    candidate_starts,
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
    "local_day_window",
    "pick_for_booking",
]

NO_HOLDS = HoldSpan()

#: No appointment (with its buffer) lasts a day; bounds the indexed scan backwards.
LONGEST_APPOINTMENT = timedelta(days=1)


class UnknownPointOrService(LookupError):
    """No such point or no such service."""


@dataclass(frozen=True)
class AvailabilityInputs:
    """Everything ``free_slots`` needs for one point, one service and a date range."""

    opening: list[Span]
    rooms: list[Resource]
    experts: list[Resource]
    rules: ServiceRules
    window: Span
    tz: ZoneInfo
    valid: HoldSpan = NO_HOLDS


@dataclass(frozen=True)
class _CachedStarts:
    starts: tuple[datetime, ...]
    rules: ServiceRules
    tz: ZoneInfo
    valid: HoldSpan
    stamp: Stamp


def local_day_window(first_day: date, last_day: date, tz: ZoneInfo) -> Span:
    """Local midnight of ``first_day`` to local midnight after ``last_day``, in UTC."""
    return Span(
        datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC),
    )


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
        arguments = _engine_arguments(inputs)
        arguments["rules"] = _with_notice(inputs.rules, min_notice)
        return free_slots(**arguments, now=now)
    stamp = availability_stamp(session, point_id, service_id)
    cached = _cached_starts(
        session, point_id, service_id, first_day, last_day, now, stamp, calendar
    )
    return bookable_starts(cached.starts, _with_notice(cached.rules, min_notice), now, cached.tz)


def free_times_answer(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
    stamp: Stamp,
) -> tuple[list[datetime], HoldSpan]:
    """``free_times`` with the service's own notice, for a caller that caches its own
    form of the answer under ``stamp`` (read with ``availability_stamp`` before this
    call): the times and the instants for which they stay the same — until a hold
    lapses, the notice passes the first time, or the day changes.  The caller must
    check ``may_use_cache`` first."""
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
    return times, cached.valid.within(HoldSpan(since, until))


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
    and valid at ``now``; else loaded (the data at least as new as ``stamp``)."""
    cache = cache_for(session)
    key = (point_id, service_id, first_day, last_day, calendar)
    cached = cache.get(key)
    if cached is None or cached.stamp != stamp or not cached.valid.holds_at(now.timestamp()):
        inputs = availability_inputs(
            session, point_id, service_id, first_day, last_day, calendar, now=now
        )
        cached = _CachedStarts(
            tuple(candidate_starts(**_engine_arguments(inputs))),
            inputs.rules,
            inputs.tz,
            inputs.valid,
            stamp,
        )
        cache.put(key, cached)
    return cached


def _with_notice(rules: ServiceRules, min_notice: timedelta | None) -> ServiceRules:
    return rules if min_notice is None else replace(rules, min_notice=min_notice)


#: An appointment's hold on its room and its expert: (room id, expert id, start, end),
#: the span in epoch seconds as the busy query gives it.
_Hold = tuple[int, int, int, int]


def _span_of(session: Session, appointment_id: int | None) -> _Hold | None:
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
    arguments = _engine_arguments(inputs)
    arguments["rules"] = _with_notice(inputs.rules, min_notice)
    if start not in free_slots(**arguments, now=now):
        return None
    return choose_resources(start, rooms=inputs.rooms, experts=inputs.experts, rules=inputs.rules)


def availability_inputs(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    calendar: FinnishCalendar | None = None,
    *,
    ignoring: _Hold | None = None,
    now: datetime | None = None,
) -> AvailabilityInputs:
    """Load opening hours, closures, rooms, the agency's active experts who do the service
    (hours, absences) and the active appointments that can block them in the window
    (the point's rooms; those experts at any point).  ``booked_count`` is each resource's
    number of bookings starting in the window.  Busy and working spans are given to the
    engine as integer epoch seconds.  ``ignoring``: one appointment's hold, left out of
    its room's and its expert's busy spans.  ``calendar``: holidays and short days,
    the region's (from the database) unless given.  Holds that expire at or before
    ``now`` are free (without ``now`` every hold is busy); ``valid`` says for which
    instants that reading of the holds stands."""
    queries = calendar_queries(session.get_bind().dialect.name)
    connection = session.connection()
    head = connection.execute(
        queries.head, {"point_id": point_id, "service_id": service_id}
    ).one_or_none()
    if head is None:
        raise UnknownPointOrService(f"no point {point_id!r} or no service {service_id!r}")
    agency_id, duration, buffer, grid, notice, horizon, service_on, zone, point_on, offered = head
    tz = ZoneInfo(zone)
    rules = ServiceRules(
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        grid=timedelta(minutes=grid),
        min_notice=timedelta(minutes=notice),
        horizon_days=horizon,
    )
    window = local_day_window(first_day, last_day, tz)
    if not (service_on and point_on and offered):
        return AvailabilityInputs([], [], [], rules, window, tz)

    point = {"point_id": point_id}
    hours = weekly(connection.execute(queries.opening_hours, point))
    closures = [
        ClosureRule(*row)
        for row in connection.execute(
            queries.closures, {**point, "first_day": first_day, "last_day": last_day}
        )
    ]
    if calendar is None:
        calendar = region_calendar(session)
    opening = opening_spans(hours, closures, first_day, last_day, tz, calendar)
    room_ids = list(connection.execute(queries.rooms, point).scalars())
    expert_weekly: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for expert_id, weekday, starts, ends in connection.execute(
        queries.expert_hours, {"service_id": service_id, "agency_id": agency_id}
    ):
        expert_weekly[expert_id][weekday].append((starts, ends))
    expert_ids = sorted(expert_weekly)
    if not opening or not room_ids or not expert_ids:
        return AvailabilityInputs(opening, [], [], rules, window, tz)

    # A start t in the window holds its resources until at most t + duration + buffer.
    reach = window.end + rules.duration + rules.buffer
    rows = connection.execute(
        queries.busy,
        {
            "room_ids": room_ids,
            "expert_ids": expert_ids,
            "since": window.start - LONGEST_APPOINTMENT,
            "until": reach,
            "window_start": window.start,
        },
    ).all()
    busy: tuple[dict, ...] = (defaultdict(list), defaultdict(list), defaultdict(list))
    lapsed, coming = [], []
    for kind, resource_id, starts_at, blocked_until, expires in rows:
        if expires is not None and now is not None:
            if expires <= now:
                lapsed.append(expires.timestamp())
                continue
            coming.append(expires.timestamp())
        if not queries.busy_in_seconds:
            starts_at, blocked_until = seconds(starts_at), seconds(blocked_until)
        busy[kind][resource_id].append((starts_at, blocked_until))
    if ignoring is not None:
        room_id, expert_id, starts_at, blocked_until = ignoring
        drop_span(busy[ROOM], room_id, (starts_at, blocked_until))
        drop_span(busy[EXPERT], expert_id, (starts_at, blocked_until))
    in_window = (seconds(window.start), seconds(window.end))
    rooms = [resource(room_id, busy[ROOM], in_window) for room_id in room_ids]
    experts = []
    for expert_id in expert_ids:
        pattern = weekly_key(expert_weekly[expert_id])
        working = working_seconds(pattern, first_day, last_day, calendar)
        working = subtract_seconds(working, busy[ABSENT].get(expert_id, ()))
        experts.append(resource(expert_id, busy[EXPERT], in_window, working))
    valid = HoldSpan(max(lapsed, default=None), min(coming, default=None))
    return AvailabilityInputs(opening, rooms, experts, rules, window, tz, valid)


def _engine_arguments(inputs: AvailabilityInputs) -> dict:
    return {
        "opening": inputs.opening,
        "rooms": inputs.rooms,
        "experts": inputs.experts,
        "rules": inputs.rules,
        "window": inputs.window,
        "tz": inputs.tz,
    }


def _point_zone(session: Session, point_id: str) -> ZoneInfo:
    zone = session.scalar(select(ServicePoint.timezone).where(ServicePoint.id == point_id))
    if zone is None:
        raise UnknownPointOrService(f"no point {point_id!r}")
    return ZoneInfo(zone)
