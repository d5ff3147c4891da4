"""Which booked appointments the region's calendar, as the session now holds it, forbids.

A coming appointment (booked, or arrived and waiting for its call) holds only
while its point is active and open for the whole call that day (weekly hours,
holidays, short days, closures), the point offers
its service and the service is active, its room is an active room of the point,
and its expert is active, of the service's agency, does the service, works over
the call and is not absent during it (as the slot engine sees an absence: a
gap in her working time).

Reads in bulk (a handful of queries, whatever the number of appointments) and
works out each point's and each expert's day once, so a region-wide check stays
cheap.  Reads the session's own flushed changes: call it after flushing them.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from booking.data.enums import AppointmentStatus
from booking.data.models import (
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
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import (
    ClosureRule,
    FinnishCalendar,
    Span,
    opening_spans,
    working_spans,
)
from booking.engine.clock import HELSINKI


class Problem(enum.StrEnum):
    """Why an appointment no longer holds. The first four leave no way to keep its
    time and place; the rest may be solved by another room or another expert."""

    POINT_GONE = "point_gone"  # the point was made inactive
    POINT_CLOSED = "point_closed"  # outside the point's hours that day, or a closure
    NOT_OFFERED = "not_offered"  # the point no longer offers the service, or it is inactive
    ROOM_GONE = "room_gone"  # the room was removed or made inactive
    EXPERT_AWAY = "expert_away"  # absent, not working then, or inactive
    EXPERT_UNQUALIFIED = "expert_unqualified"  # no longer does the service

    @property
    def needs_another_room(self) -> bool:
        return self is Problem.ROOM_GONE

    @property
    def needs_another_expert(self) -> bool:
        return self in (Problem.EXPERT_AWAY, Problem.EXPERT_UNQUALIFIED)

    @property
    def final(self) -> bool:
        """No other room or expert can save the appointment's time and place."""
        return not (self.needs_another_room or self.needs_another_expert)


@dataclass(frozen=True)
class Scope:
    """Which appointments to look at (None: all). A change of a point's calendar needs
    only that point's; an expert's absence only hers."""

    point_ids: frozenset[str] | None = None
    expert_ids: frozenset[int] | None = None
    #: Appointments starting in ``[since, until)`` (a closure: its day).
    since: datetime | None = None
    until: datetime | None = None
    #: Only appointments starting in one of these ``[since, until)`` windows (the days
    #: a change of the short-day rules shortened); None: no such limit.
    windows: tuple[tuple[datetime, datetime], ...] | None = None


EVERYTHING = Scope()


def impossible_appointments(
    session: Session,
    *,
    now: datetime,
    scope: Scope = EVERYTHING,
    calendar: FinnishCalendar | None = None,
) -> list[tuple[Appointment, tuple[Problem, ...]]]:
    """The booked appointments starting after ``now``, and the arrived ones (the citizen
    has checked in, the call has not started) not yet over nor already on the desk's
    list, that no longer hold, each with its problems (most serious first), ordered by
    start.  ``calendar``: holidays and short days, the region's (from the database)
    unless given."""
    query = select(Appointment).where(
        or_(
            and_(Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > now),
            and_(
                Appointment.status == AppointmentStatus.ARRIVED,
                Appointment.ends_at > now,
                Appointment.to_call.is_(False),
            ),
        )
    )
    if scope.point_ids is not None:
        query = query.where(Appointment.point_id.in_(sorted(scope.point_ids)))
    if scope.expert_ids is not None:
        query = query.where(Appointment.expert_id.in_(sorted(scope.expert_ids)))
    if scope.since is not None:
        query = query.where(Appointment.starts_at >= scope.since)
    if scope.until is not None:
        query = query.where(Appointment.starts_at < scope.until)
    if scope.windows is not None:
        if not scope.windows:
            return []
        query = query.where(
            or_(
                *(
                    and_(Appointment.starts_at >= since, Appointment.starts_at < until)
                    for since, until in scope.windows
                )
            )
        )
    query = query.options(selectinload(Appointment.room), selectinload(Appointment.expert))
    appointments = list(session.scalars(query.order_by(Appointment.starts_at, Appointment.id)))
    if not appointments:
        return []
    calendars = _Calendars(session, appointments, calendar or region_calendar(session))
    found = []
    for appointment in appointments:
        problems = calendars.problems(appointment)
        if problems:
            found.append((appointment, problems))
    return found


class _Calendars:
    """The region's calendar around a set of appointments, loaded at once."""

    def __init__(
        self, session: Session, appointments: list[Appointment], calendar: FinnishCalendar
    ) -> None:
        self.calendar = calendar
        point_ids = sorted({a.point_id for a in appointments})
        expert_ids = sorted({a.expert_id for a in appointments})
        first = min(a.starts_at for a in appointments) - timedelta(days=1)
        last = max(a.blocked_until for a in appointments) + timedelta(days=1)
        self.first_day, self.last_day = first.date(), last.date()
        self.points = {
            p.id: (p.active, ZoneInfo(p.timezone))
            for p in session.scalars(select(ServicePoint).where(ServicePoint.id.in_(point_ids)))
        }
        self.rooms = {
            room_id: (point_id, active)
            for room_id, point_id, active in session.execute(
                select(Room.id, Room.point_id, Room.active).where(Room.point_id.in_(point_ids))
            )
        }
        self.offered = _pairs(
            session.execute(
                select(Offering.point_id, Offering.service_id).where(
                    Offering.point_id.in_(point_ids)
                )
            )
        )
        self.services = {}
        self.service_agency = {}
        for service_id, active, agency_id in session.execute(
            select(Service.id, Service.active, Service.agency_id)
        ):
            self.services[service_id] = active
            self.service_agency[service_id] = agency_id
        self.weekly: dict[str, dict[int, list[tuple[time, time]]]] = _weekly(
            session.execute(
                select(
                    OpeningHours.point_id,
                    OpeningHours.weekday,
                    OpeningHours.opens,
                    OpeningHours.closes,
                ).where(OpeningHours.point_id.in_(point_ids))
            )
        )
        self.closures: dict[str, list[ClosureRule]] = defaultdict(list)
        for point_id, closed_on, starts, ends in session.execute(
            select(Closure.point_id, Closure.closed_on, Closure.starts, Closure.ends).where(
                Closure.point_id.in_(point_ids),
                Closure.closed_on >= self.first_day,
                Closure.closed_on <= self.last_day,
            )
        ):
            self.closures[point_id].append(ClosureRule(closed_on, starts, ends))
        self.experts = {
            e.id: (e.active, e.agency_id)
            for e in session.scalars(select(Expert).where(Expert.id.in_(expert_ids)))
        }
        self.does = _pairs(
            session.execute(
                select(ExpertService.expert_id, ExpertService.service_id).where(
                    ExpertService.expert_id.in_(expert_ids)
                )
            )
        )
        self.working_weekly = _weekly(
            session.execute(
                select(
                    ExpertHours.expert_id, ExpertHours.weekday, ExpertHours.starts, ExpertHours.ends
                ).where(ExpertHours.expert_id.in_(expert_ids))
            )
        )
        self.absences: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        for expert_id, starts_at, ends_at in session.execute(
            select(ExpertAbsence.expert_id, ExpertAbsence.starts_at, ExpertAbsence.ends_at).where(
                ExpertAbsence.expert_id.in_(expert_ids),
                ExpertAbsence.starts_at < last,
                ExpertAbsence.ends_at > first,
            )
        ):
            self.absences[expert_id].append((starts_at, ends_at))
        self._opening: dict[tuple[str, date], list[Span]] = {}
        self._working: dict[tuple[int, date], list[Span]] = {}

    def problems(self, appointment: Appointment) -> tuple[Problem, ...]:
        found: list[Problem] = []
        point_active, tz = self.points[appointment.point_id]
        if not point_active:
            found.append(Problem.POINT_GONE)
        elif not _inside(self.opening(appointment.point_id, tz, appointment), appointment):
            found.append(Problem.POINT_CLOSED)
        if (appointment.point_id, appointment.service_id) not in self.offered or not (
            self.services.get(appointment.service_id)
        ):
            found.append(Problem.NOT_OFFERED)
        room_point, room_active = self.rooms.get(appointment.room_id, (None, False))
        if room_point != appointment.point_id or not room_active:
            found.append(Problem.ROOM_GONE)
        expert_active, agency = self.experts[appointment.expert_id]
        if (
            agency != self.service_agency.get(appointment.service_id)
            or (appointment.expert_id, appointment.service_id) not in self.does
        ):
            found.append(Problem.EXPERT_UNQUALIFIED)
        elif not expert_active or not self.expert_free(appointment):
            found.append(Problem.EXPERT_AWAY)
        return tuple(found)

    def opening(self, point_id: str, tz: ZoneInfo, appointment: Appointment) -> list[Span]:
        day = appointment.starts_at.astimezone(tz).date()
        key = (point_id, day)
        if key not in self._opening:
            self._opening[key] = opening_spans(
                self.weekly.get(point_id, {}),
                self.closures.get(point_id, ()),
                day,
                day,
                tz,
                self.calendar,
            )
        return self._opening[key]

    def expert_free(self, appointment: Appointment) -> bool:
        expert_id = appointment.expert_id
        day = appointment.starts_at.astimezone(HELSINKI).date()
        key = (expert_id, day)
        if key not in self._working:
            self._working[key] = working_spans(
                self.working_weekly.get(expert_id, {}), (), day, day, HELSINKI, self.calendar
            )
        if not _inside(self._working[key], appointment):
            return False
        return not any(
            starts_at < appointment.ends_at and ends_at > appointment.starts_at
            for starts_at, ends_at in self.absences.get(expert_id, ())
        )


def _inside(spans: Iterable[Span], appointment: Appointment) -> bool:
    return any(s.start <= appointment.starts_at and appointment.ends_at <= s.end for s in spans)


def _pairs(rows) -> set[tuple]:
    return {(first, second) for first, second in rows}


def _weekly(rows) -> dict:
    weekly: dict = defaultdict(lambda: defaultdict(list))
    for owner, weekday, starts, ends in rows:
        weekly[owner][weekday].append((starts, ends))
    return weekly
