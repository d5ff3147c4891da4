"""Load what the slot engine needs for one point, one service and a date range.

No Flask here: every function takes a SQLAlchemy ``Session`` (or its connection)
and never commits.  Queries are few and lean — only the columns the engine
needs, appointments by indexed ranges on ``starts_at`` (an appointment is shorter
than a day, so ``starts_at > window_start - 1 day`` bounds the scan) — so the
cost follows the appointments inside the asked window, not the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from booking.data.availability_cache import HoldSpan
from booking.data.calendar_queries import (
    ABSENT,
    CLOSURE,
    EXPERT,
    HOURS,
    ROOM,
    CalendarQueries,
    calendar_queries,
)
from booking.data.calendar_rows import Read, calendar_rows
from booking.data.calendar_spans import (
    ExpertsByHours,
    drop_span,
    experts_by_hours,
    point_opening,
    resource,
    seconds,
    subtract_seconds,
    weekly,
    weekly_key,
    working_experts,
)
from booking.data.models import LONGEST_APPOINTMENT
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import ClosureRule, FinnishCalendar
from booking.engine.slots import Resource, ServiceRules, Span

NO_HOLDS = HoldSpan()

#: An appointment's hold on its room and its expert: (room id, expert id, start, end),
#: the span in epoch seconds as the busy query gives it.
Hold = tuple[int, int, int, int]


class UnknownPointOrService(LookupError):
    """No such point or no such service."""


@dataclass(frozen=True)
class AvailabilityInputs:
    """Everything ``free_slots`` needs for one point, one service and a date range."""

    opening: Sequence[Span]
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
    hours: tuple  # weekly_key
    closures: tuple[ClosureRule, ...]
    room_ids: tuple[int, ...]
    experts_by_hours: ExpertsByHours
    agency_id: str


def service_at_point(session: Session, point_id: str, service_id: str) -> ServiceAtPoint:
    """Load a :class:`ServiceAtPoint`; raises ``UnknownPointOrService``."""
    found = services_at_points(session, [point_id], service_id)
    if point_id not in found:
        raise UnknownPointOrService(f"no point {point_id!r} or no service {service_id!r}")
    return found[point_id]


def services_at_points(
    session: Session,
    point_ids: list[str],
    service_id: str,
    experts_hours: Callable[[str], ExpertsByHours] | None = None,
) -> dict[str, ServiceAtPoint]:
    """The :class:`ServiceAtPoint` of each of ``point_ids`` that exists (none when the
    service does not), in at most three queries whatever their number.
    ``experts_hours(agency_id)``: the agency's experts' hours as the caller keeps
    them (every point offering the service shares them); without it they are read."""
    dialect = session.get_bind().dialect.name
    connection = session.connection()
    found, bookable = {}, []
    for point_id, agency_id, duration, buffer, grid, notice, horizon, *flags in calendar_rows(
        connection, *head_read(dialect, point_ids, service_id)
    ):
        service_on, zone, point_on, offered = flags
        rules = ServiceRules(
            duration=timedelta(minutes=duration),
            buffer=timedelta(minutes=buffer),
            grid=timedelta(minutes=grid),
            min_notice=timedelta(minutes=notice),
            horizon_days=horizon,
        )
        found[point_id] = ServiceAtPoint(rules, ZoneInfo(zone), False, (), (), (), (), agency_id)
        if service_on and point_on and offered:
            bookable.append(point_id)
    if not bookable:
        return found
    agency_id = found[bookable[0]].agency_id
    if experts_hours is None:
        by_hours = agency_experts_hours(session, service_id)
    else:
        by_hours = experts_hours(agency_id)
    hours, closures, rooms = defaultdict(list), defaultdict(list), defaultdict(list)
    for kind, point_id, number, day, starts, ends in calendar_rows(
        connection, *point_calendar_read(dialect, bookable)
    ):
        if kind == HOURS:
            hours[point_id].append((number, starts, ends))
        elif kind == CLOSURE:
            closures[point_id].append(ClosureRule(day, starts, ends))
        else:
            rooms[point_id].append(number)
    for point_id in bookable:
        found[point_id] = replace(
            found[point_id],
            bookable=True,
            hours=weekly_key(weekly(hours[point_id])),
            closures=tuple(closures[point_id]),
            room_ids=tuple(rooms[point_id]),
            experts_by_hours=by_hours,
        )
    return found


def agency_experts_hours(session: Session, service_id: str) -> ExpertsByHours:
    """The weekly hours of the service's agency's active experts who do it, by pattern
    (rows in the query's order, so that the same hours give the same rows)."""
    read = experts_hours_read(session.get_bind().dialect.name, service_id)
    rows = calendar_rows(session.connection(), *read)
    return experts_by_hours(tuple(tuple(row) for row in rows))


def head_read(dialect: str, point_ids: list[str], service_id: str) -> Read:
    """The read of the points' service's rules and zones (``services_at_points``)."""
    return calendar_queries(dialect).head, {"point_ids": list(point_ids), "service_id": service_id}


def point_calendar_read(dialect: str, point_ids: list[str]) -> Read:
    """The read of the points' hours, closures and rooms (``services_at_points``)."""
    return calendar_queries(dialect).point_calendar, {"point_ids": list(point_ids)}


def experts_hours_read(dialect: str, service_id: str) -> Read:
    """The read of the service's agency's experts' weeks (``agency_experts_hours``)."""
    return calendar_queries(dialect).expert_hours, {"service_id": service_id}


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
    if calendar is None and facts.bookable:
        calendar = region_calendar(session)
    opening = _opening(facts, first_day, last_day, calendar)
    window = local_day_window(first_day, last_day, facts.tz)
    if not _needs_busy(facts, opening):
        return AvailabilityInputs(opening, [], [], facts.rules, window, facts.tz)
    queries = calendar_queries(session.get_bind().dialect.name)
    room_ids, expert_ids = list(facts.room_ids), _expert_ids(facts)
    busy, valid = load_busy(
        session.connection(), queries, room_ids, expert_ids, window, facts.rules, now
    )
    if ignoring is not None:
        room_id, expert_id, starts_at, blocked_until = ignoring
        drop_span(busy[ROOM], room_id, (starts_at, blocked_until))
        drop_span(busy[EXPERT], expert_id, (starts_at, blocked_until))
    return _with_busy(facts, opening, first_day, last_day, calendar, busy, valid)


def fixed_inputs(
    facts: ServiceAtPoint, first_day: date, last_day: date, calendar: FinnishCalendar
) -> AvailabilityInputs:
    """The inputs of a point's service with no appointment or absence read: its hours,
    its rooms and its experts' weekly working time in the range (the experts shared
    by every point and range that have the same)."""
    opening = _opening(facts, first_day, last_day, calendar)
    experts = working_experts(facts.experts_by_hours, first_day, last_day, calendar)
    rooms = [Resource(room_id, ()) for room_id in facts.room_ids]
    window = local_day_window(first_day, last_day, facts.tz)
    return AvailabilityInputs(opening, rooms, experts, facts.rules, window, facts.tz)


def _opening(
    facts: ServiceAtPoint, first_day: date, last_day: date, calendar: FinnishCalendar | None
) -> Sequence[Span]:
    if not facts.bookable:
        return ()
    return point_opening(facts.hours, facts.closures, first_day, last_day, facts.tz, calendar)


def _needs_busy(facts: ServiceAtPoint, opening: Sequence[Span]) -> bool:
    """Whether anything can be free, so that appointments matter."""
    return bool(opening and facts.room_ids and facts.experts_by_hours)


def _expert_ids(facts: ServiceAtPoint) -> list[int]:
    return sorted(expert for _pattern, ids in facts.experts_by_hours for expert in ids)


def _with_busy(
    facts: ServiceAtPoint,
    opening: Sequence[Span],
    first_day: date,
    last_day: date,
    calendar: FinnishCalendar,
    busy: tuple[dict, dict, dict],
    valid: HoldSpan,
) -> AvailabilityInputs:
    """The point's service's inputs with the rooms' and experts' appointments ``busy``
    (as ``load_busy`` gives them) and the instants ``valid`` that reading holds for."""
    window = local_day_window(first_day, last_day, facts.tz)
    in_window = (seconds(window.start), seconds(window.end))
    rooms = [resource(room_id, busy[ROOM], in_window) for room_id in facts.room_ids]
    working = working_experts(facts.experts_by_hours, first_day, last_day, calendar)
    experts = experts_with_busy(working, busy, in_window)
    return AvailabilityInputs(opening, rooms, experts, facts.rules, window, facts.tz, valid)


def experts_with_busy(
    experts: Sequence[Resource], busy: tuple[dict, dict, dict], window: tuple[int, int]
) -> list[Resource]:
    """``experts`` (working time only) with their appointments and absences as
    ``load_busy`` read them; ``window``: where their bookings are counted."""
    return [
        resource(
            expert.id,
            busy[EXPERT],
            window,
            subtract_seconds(expert.available, busy[ABSENT].get(expert.id, ())),
        )
        for expert in experts
    ]


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
    rows = calendar_rows(
        connection,
        queries.busy,
        {
            "room_ids": room_ids,
            "expert_ids": expert_ids,
            "since": window.start - LONGEST_APPOINTMENT,
            "until": reach,
            "window_start": window.start,
        },
    )
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
