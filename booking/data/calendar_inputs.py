"""Load what the slot engine needs for one point, one service and a date range.

No Flask here: every function takes a SQLAlchemy ``Session`` (or its connection)
and never commits.  Queries are few and lean — only the columns the engine
needs, appointments by indexed ranges on ``starts_at`` (an appointment is shorter
than a day, so ``starts_at > window_start - 1 day`` bounds the scan) — so the
cost follows the appointments inside the asked window, not the history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from booking.data.availability_cache import HoldSpan
from booking.data.calendar_queries import ABSENT, EXPERT, ROOM, CalendarQueries, calendar_queries
from booking.data.calendar_spans import (
    drop_span,
    resource,
    seconds,
    subtract_seconds,
    weekly,
    weekly_key,
    working_seconds,
)
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import ClosureRule, FinnishCalendar, opening_spans
from booking.engine.slots import Resource, ServiceRules, Span

NO_HOLDS = HoldSpan()

#: An appointment's hold on its room and its expert: (room id, expert id, start, end),
#: the span in epoch seconds as the busy query gives it.
Hold = tuple[int, int, int, int]

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


def local_day_window(first_day: date, last_day: date, tz: ZoneInfo) -> Span:
    """Local midnight of ``first_day`` to local midnight after ``last_day``, in UTC."""
    return Span(
        datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC),
    )


@dataclass(frozen=True)
class ServiceAtPoint:
    """A point's service as the calendar sees it, dates and appointments aside: the
    service's rules, the point's zone, weekly hours, closures (all of them) and
    rooms, and the weekly hours of the agency's active experts who do the service
    (expert id, weekly pattern; by id).  ``bookable`` is False when the point or
    the service is off or the point does not offer it.  Changes of any of it raise
    the region's, the point's or the agency's revision, so it may be kept while
    those three are unchanged."""

    rules: ServiceRules
    tz: ZoneInfo
    bookable: bool
    hours: dict[int, list[tuple[time, time]]]
    closures: tuple[ClosureRule, ...]
    room_ids: tuple[int, ...]
    expert_hours: tuple[tuple[int, tuple], ...]
    agency_id: str


def service_at_point(session: Session, point_id: str, service_id: str) -> ServiceAtPoint:
    """Load a :class:`ServiceAtPoint`; raises ``UnknownPointOrService``."""
    queries = calendar_queries(session.get_bind().dialect.name)
    connection = session.connection()
    head = connection.execute(
        queries.head, {"point_id": point_id, "service_id": service_id}
    ).one_or_none()
    if head is None:
        raise UnknownPointOrService(f"no point {point_id!r} or no service {service_id!r}")
    agency_id, duration, buffer, grid, notice, horizon, service_on, zone, point_on, offered = head
    rules = ServiceRules(
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        grid=timedelta(minutes=grid),
        min_notice=timedelta(minutes=notice),
        horizon_days=horizon,
    )
    if not (service_on and point_on and offered):
        return ServiceAtPoint(rules, ZoneInfo(zone), False, {}, (), (), (), agency_id)
    point = {"point_id": point_id}
    every_day = {**point, "first_day": date.min, "last_day": date.max}
    expert_weekly: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for expert_id, weekday, starts, ends in connection.execute(
        queries.expert_hours, {"service_id": service_id, "agency_id": agency_id}
    ):
        expert_weekly[expert_id][weekday].append((starts, ends))
    return ServiceAtPoint(
        rules,
        ZoneInfo(zone),
        True,
        weekly(connection.execute(queries.opening_hours, point)),
        tuple(ClosureRule(*row) for row in connection.execute(queries.closures, every_day)),
        tuple(connection.execute(queries.rooms, point).scalars()),
        tuple((expert, weekly_key(expert_weekly[expert])) for expert in sorted(expert_weekly)),
        agency_id,
    )


def availability_inputs(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    calendar: FinnishCalendar | None = None,
    *,
    ignoring: Hold | None = None,
    now: datetime | None = None,
    facts: ServiceAtPoint | None = None,
) -> AvailabilityInputs:
    """Load opening hours, closures, rooms, the agency's active experts who do the service
    (hours, absences) and the active appointments that can block them in the window
    (the point's rooms; those experts at any point).  ``booked_count`` is each resource's
    number of bookings starting in the window.  Busy and working spans are given to the
    engine as integer epoch seconds.  ``ignoring``: one appointment's hold, left out of
    its room's and its expert's busy spans.  ``calendar``: holidays and short days,
    the region's (from the database) unless given.  Holds that expire at or before
    ``now`` are free (without ``now`` every hold is busy); ``valid`` says for which
    instants that reading of the holds stands.  ``facts``: the point's service as
    kept by the caller (read under revisions no older than the data's), else loaded."""
    facts = facts or service_at_point(session, point_id, service_id)
    rules, tz = facts.rules, facts.tz
    window = local_day_window(first_day, last_day, tz)
    if not facts.bookable:
        return AvailabilityInputs([], [], [], rules, window, tz)
    if calendar is None:
        calendar = region_calendar(session)
    opening = opening_spans(facts.hours, facts.closures, first_day, last_day, tz, calendar)
    room_ids = list(facts.room_ids)
    expert_ids = [expert for expert, _pattern in facts.expert_hours]
    if not opening or not room_ids or not expert_ids:
        return AvailabilityInputs(opening, [], [], rules, window, tz)

    queries = calendar_queries(session.get_bind().dialect.name)
    connection = session.connection()
    busy, valid = load_busy(connection, queries, room_ids, expert_ids, window, rules, now)
    if ignoring is not None:
        room_id, expert_id, starts_at, blocked_until = ignoring
        drop_span(busy[ROOM], room_id, (starts_at, blocked_until))
        drop_span(busy[EXPERT], expert_id, (starts_at, blocked_until))
    in_window = (seconds(window.start), seconds(window.end))
    rooms = [resource(room_id, busy[ROOM], in_window) for room_id in room_ids]
    experts = []
    for expert_id, pattern in facts.expert_hours:
        working = working_seconds(pattern, first_day, last_day, calendar)
        working = subtract_seconds(working, busy[ABSENT].get(expert_id, ()))
        experts.append(resource(expert_id, busy[EXPERT], in_window, working))
    return AvailabilityInputs(opening, rooms, experts, rules, window, tz, valid)


def load_busy(
    connection,
    queries: CalendarQueries,
    room_ids: list[int],
    expert_ids: list[int],
    window: Span,
    rules: ServiceRules,
    now: datetime | None,
) -> tuple[tuple[dict, dict, dict], HoldSpan]:
    """The rooms' and the experts' appointments and the experts' absences that can
    touch a start in ``window`` (ROOM, EXPERT, ABSENT: id → epoch-second spans), and
    the instants for which that reading of the holds stands."""
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
    busy: tuple[dict, dict, dict] = (defaultdict(list), defaultdict(list), defaultdict(list))
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
    return busy, HoldSpan(max(lapsed, default=None), min(coming, default=None))


def engine_arguments(inputs: AvailabilityInputs) -> dict:
    return {
        "opening": inputs.opening,
        "rooms": inputs.rooms,
        "experts": inputs.experts,
        "rules": inputs.rules,
        "window": inputs.window,
        "tz": inputs.tz,
    }
