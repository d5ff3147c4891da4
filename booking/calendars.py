"""From the database to the slot engine: load a point's and a service's calendars.

No Flask here: every function takes a SQLAlchemy ``Session`` and never commits.
Queries are few and lean — only the columns the engine needs, appointments by
indexed ranges on ``starts_at`` (an appointment is shorter than a day, so
``starts_at > window_start - 1 day`` bounds the scan) — so the cost follows the
appointments inside the asked window, not the history.

``free_times`` caches the part of the answer that does not depend on ``now``
(see ``booking.calendar_revision``); ``pick_for_booking`` always reads afresh.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from booking.availability import (
    Resource,
    ServiceRules,
    Span,
    bookable_starts,
    candidate_starts,
    choose_resources,
    free_slots,
)
from booking.calendar_revision import (
    bump_calendar_revision,
    cache_for,
    clear_availability_cache,
    current_calendar_revision,
    may_use_cache,
)
from booking.calendar_rules import (
    DEFAULT_CALENDAR,
    ClosureRule,
    FinnishCalendar,
    opening_spans,
    working_spans,
)
from booking.clock import HELSINKI
from booking.models import (
    ACTIVE_STATUSES,
    Appointment,
    Closure,
    Expert,
    ExpertAbsence,
    ExpertHours,
    ExpertService,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
)

__all__ = [
    "AvailabilityInputs",
    "UnknownPointOrService",
    "availability_inputs",
    "bump_calendar_revision",
    "clear_availability_cache",
    "free_times",
    "local_day_window",
    "pick_for_booking",
]

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


@dataclass(frozen=True)
class _CachedStarts:
    starts: tuple[datetime, ...]
    rules: ServiceRules
    tz: ZoneInfo


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
    calendar: FinnishCalendar = DEFAULT_CALENDAR,
) -> list[datetime]:
    """Bookable start times (aware UTC, ascending) of ``service_id`` at ``point_id`` on the
    local dates ``first_day`` to ``last_day``.  Raises ``UnknownPointOrService``; a
    service not offered at the point has no times.  Never serves a taken time: see
    ``booking.calendar_revision``."""
    if not may_use_cache(session):
        inputs = availability_inputs(session, point_id, service_id, first_day, last_day, calendar)
        return free_slots(**_engine_arguments(inputs), now=now)
    revision = current_calendar_revision(session)
    cache = cache_for(session)
    key = (point_id, service_id, first_day, last_day, revision, calendar)
    cached = cache.get(key)
    if cached is None:
        inputs = availability_inputs(session, point_id, service_id, first_day, last_day, calendar)
        cached = _CachedStarts(
            tuple(candidate_starts(**_engine_arguments(inputs))), inputs.rules, inputs.tz
        )
        cache.put(key, cached)
    return bookable_starts(cached.starts, cached.rules, now, cached.tz)


def pick_for_booking(
    session: Session,
    point_id: str,
    service_id: str,
    start: datetime,
    now: datetime,
    *,
    calendar: FinnishCalendar = DEFAULT_CALENDAR,
) -> tuple[int, int] | None:
    """The (room id, expert id) to book at ``start``, chosen fairly (fewest bookings that
    local day, then lowest id); None when ``start`` is not a bookable time.  Reads the
    database afresh (no cache): call it in the booking's own transaction."""
    tz = _point_zone(session, point_id)
    day = start.astimezone(tz).date()
    inputs = availability_inputs(session, point_id, service_id, day, day, calendar)
    if start not in free_slots(**_engine_arguments(inputs), now=now):
        return None
    return choose_resources(start, rooms=inputs.rooms, experts=inputs.experts, rules=inputs.rules)


def availability_inputs(
    session: Session,
    point_id: str,
    service_id: str,
    first_day: date,
    last_day: date,
    calendar: FinnishCalendar = DEFAULT_CALENDAR,
) -> AvailabilityInputs:
    """Load opening hours, closures, rooms, the agency's active experts who do the service
    (hours, absences) and the active appointments that can block them in the window
    (the point's rooms; those experts at any point).  ``booked_count`` is each resource's
    number of bookings starting in the window."""
    head = session.execute(
        select(
            Service.agency_id,
            Service.duration_minutes,
            Service.buffer_minutes,
            Service.grid_minutes,
            Service.min_notice_minutes,
            Service.horizon_days,
            Service.active,
            ServicePoint.timezone,
            ServicePoint.active,
            Offering.service_id,
        )
        .select_from(Service)
        .join(ServicePoint, ServicePoint.id == point_id)
        .outerjoin(
            Offering,
            and_(Offering.point_id == ServicePoint.id, Offering.service_id == Service.id),
        )
        .where(Service.id == service_id)
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

    opening = opening_spans(
        _weekly(session.execute(_opening_hours(point_id))),
        [
            ClosureRule(closed_on, starts, ends)
            for closed_on, starts, ends in session.execute(_closures(point_id, first_day, last_day))
        ],
        first_day,
        last_day,
        tz,
        calendar,
    )
    room_ids = list(
        session.scalars(
            select(Room.id).where(Room.point_id == point_id, Room.active).order_by(Room.id)
        )
    )
    expert_weekly: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for expert_id, weekday, starts, ends in session.execute(_expert_hours(service_id, agency_id)):
        expert_weekly[expert_id][weekday].append((starts, ends))
    expert_ids = sorted(expert_weekly)
    if not opening or not room_ids or not expert_ids:
        return AvailabilityInputs(opening, [], [], rules, window, tz)

    # Appointments that can block a start t in the window: t + duration + buffer
    # reaches at most this far past the window's end.
    reach = window.end + rules.duration + rules.buffer
    absences: dict[int, list[Span]] = defaultdict(list)
    for expert_id, starts_at, ends_at in session.execute(
        select(ExpertAbsence.expert_id, ExpertAbsence.starts_at, ExpertAbsence.ends_at).where(
            ExpertAbsence.expert_id.in_(expert_ids),
            ExpertAbsence.starts_at < reach,
            ExpertAbsence.ends_at > window.start,
        )
    ):
        absences[expert_id].append(Span(starts_at, ends_at))
    room_busy = _busy(session, Appointment.room_id, room_ids, window, reach)
    expert_busy = _busy(session, Appointment.expert_id, expert_ids, window, reach)
    rooms = [_resource(room_id, room_busy, window) for room_id in room_ids]
    experts = [
        _resource(
            expert_id,
            expert_busy,
            window,
            working_spans(
                expert_weekly[expert_id],
                absences.get(expert_id, ()),
                first_day,
                last_day,
                HELSINKI,
                calendar,
            ),
        )
        for expert_id in expert_ids
    ]
    return AvailabilityInputs(opening, rooms, experts, rules, window, tz)


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


def _opening_hours(point_id: str):
    return select(OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes).where(
        OpeningHours.point_id == point_id
    )


def _closures(point_id: str, first_day: date, last_day: date):
    return select(Closure.closed_on, Closure.starts, Closure.ends).where(
        Closure.point_id == point_id,
        Closure.closed_on >= first_day,
        Closure.closed_on <= last_day,
    )


def _expert_hours(service_id: str, agency_id: str):
    return (
        select(ExpertHours.expert_id, ExpertHours.weekday, ExpertHours.starts, ExpertHours.ends)
        .join(Expert, Expert.id == ExpertHours.expert_id)
        .join(ExpertService, ExpertService.expert_id == Expert.id)
        .where(
            ExpertService.service_id == service_id,
            Expert.agency_id == agency_id,
            Expert.active,
        )
    )


def _weekly(rows) -> dict[int, list[tuple[time, time]]]:
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, opens, closes in rows:
        weekly[weekday].append((opens, closes))
    return weekly


def _busy(session: Session, column, ids: list[int], window: Span, reach: datetime):
    """Active appointments of the resources ``ids`` (by ``column``) that overlap
    ``[window.start, reach)``, as ``{id: [(starts_at, blocked_until), ...]}``."""
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    rows = session.execute(
        select(column, Appointment.starts_at, Appointment.blocked_until).where(
            column.in_(ids),
            Appointment.starts_at > window.start - LONGEST_APPOINTMENT,
            Appointment.starts_at < reach,
            Appointment.blocked_until > window.start,
            Appointment.status.in_(ACTIVE_STATUSES),
        )
    )
    for resource_id, starts_at, blocked_until in rows:
        busy[resource_id].append((starts_at, blocked_until))
    return busy


def _resource(resource_id: int, busy, window: Span, available=None) -> Resource:
    spans = busy.get(resource_id, ())
    booked = sum(1 for starts_at, _ in spans if window.start <= starts_at < window.end)
    return Resource(
        resource_id,
        [Span(starts_at, blocked_until) for starts_at, blocked_until in spans],
        available,
        booked,
    )
