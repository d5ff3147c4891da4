"""Why a start time cannot be booked: grid, notice, horizon, opening hours.

:func:`offered` finds the point and the service of a booking.  Used by the
booking use cases so that a citizen hears the real reason ("the
point is closed then") rather than a generic "not free".  The cheap checks
(:func:`check_start`) run before the search for a free room and expert; the
opening hours (:func:`check_open`) only when that search found nothing, to
tell "closed" from "taken".  Both raise
:class:`~booking.appointments.errors.NotBookable`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from booking.appointments.errors import N_, NotBookable
from booking.data.enums import ACTIVE_STATUSES, AppointmentStatus
from booking.data.models import (
    LONGEST_APPOINTMENT,
    Appointment,
    Closure,
    ExpertService,
    Offering,
    Room,
    Service,
    ServicePoint,
)
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import ClosureRule, opening_spans
from booking.engine.clock import require_aware


def can_name_a_row(key: object) -> bool:
    """Whether ``key`` could be a point's or a service's id (text a query can carry)."""
    return isinstance(key, str) and "\x00" not in key


def offered(session: Session, point_id: str, service_id: str) -> tuple[ServicePoint, Service]:
    """The point and the service, in one query; :class:`NotBookable` naming the field."""
    if not can_name_a_row(point_id):
        raise NotBookable(N_("There is no such service point."), field="point")
    if not can_name_a_row(service_id):
        raise NotBookable(N_("There is no such service."), field="service")
    offers = select(Offering.point_id).where(
        Offering.point_id == ServicePoint.id, Offering.service_id == Service.id
    )
    row = session.execute(
        select(ServicePoint, Service, offers.exists())
        .select_from(ServicePoint)
        .outerjoin(Service, (Service.id == service_id) & Service.active)
        .where(ServicePoint.id == point_id, ServicePoint.active)
    ).one_or_none()
    if row is None:
        raise NotBookable(N_("There is no such service point."), field="point")
    point, service, is_offered = row
    if service is None:
        raise NotBookable(N_("There is no such service."), field="service")
    if not is_offered:
        raise NotBookable(N_("This service is not offered at this point."), field="service")
    return point, service


def check_start(
    point: ServicePoint,
    service: Service,
    starts_at: datetime,
    *,
    now: datetime,
    min_notice: timedelta | None = None,
) -> datetime:
    """``starts_at`` in UTC when it is on the grid and in the bookable window;
    else :class:`NotBookable` with ``field="start"``.  ``min_notice`` replaces the
    service's minimum notice (``timedelta(0)``: any start from ``now`` on)."""
    try:
        starts_at = require_aware(starts_at)
    except ValueError as error:
        raise NotBookable(N_("Please give the time with its time zone."), field="start") from error
    except OverflowError as error:
        raise NotBookable(N_("This time is too far ahead to book yet."), field="start") from error
    tz = ZoneInfo(point.timezone)
    # Far-off years are refused before any arithmetic that could overflow.
    if starts_at.year > now.year + 1 + service.horizon_days // 365:
        raise NotBookable(N_("This time is too far ahead to book yet."), field="start")
    if starts_at.year < now.year - 1:
        raise NotBookable(N_("This time has already passed."), field="start")
    local = starts_at.astimezone(tz)
    minute_of_day = local.hour * 60 + local.minute
    if local.second or local.microsecond or minute_of_day % service.grid_minutes:
        raise NotBookable(N_("Please choose one of the offered start times."), field="start")
    if starts_at < now:
        raise NotBookable(N_("This time has already passed."), field="start")
    if min_notice is None:
        min_notice = timedelta(minutes=service.min_notice_minutes)
    if starts_at < now + min_notice:
        raise NotBookable(N_("This time is too soon to book. Please choose a later time."))
    last_day = now.astimezone(tz).date() + timedelta(days=service.horizon_days)
    if local.date() > last_day:
        raise NotBookable(N_("This time is too far ahead to book yet."), field="start")
    return starts_at


def check_open(session: Session, point: ServicePoint, service: Service, starts_at: datetime):
    """:class:`NotBookable` unless ``[start, start+duration)`` lies inside the point's
    opening hours that day (weekly hours, holidays, the region's short days, closures)."""
    tz = ZoneInfo(point.timezone)
    ends_at = starts_at + timedelta(minutes=service.duration_minutes)
    weekly: dict[int, list] = {}
    for hours in point.opening_hours:
        weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    day = starts_at.astimezone(tz).date()
    closures = [
        ClosureRule(closed_on=c.closed_on, starts=c.starts, ends=c.ends)
        for c in session.scalars(
            select(Closure).where(Closure.point_id == point.id, Closure.closed_on == day)
        )
    ]
    spans = opening_spans(weekly, closures, day, day, tz, region_calendar(session))
    if not any(span.start <= starts_at and ends_at <= span.end for span in spans):
        raise NotBookable(N_("The service point is closed at this time."), field="start")


def held_by_appointment(
    session: Session,
    point: ServicePoint,
    service: Service,
    starts_at: datetime,
    *,
    ignore_appointment_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """True when an active appointment holds one of the point's rooms or one of the
    service's experts over ``starts_at`` — so a refusal there is "just taken".
    With ``now``, a hold that has expired by then holds nothing."""
    held_until = starts_at + timedelta(minutes=service.duration_minutes + service.buffer_minutes)
    holding = (
        select(Appointment.id)
        .where(
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.starts_at > starts_at - LONGEST_APPOINTMENT,
            Appointment.starts_at < held_until,
            Appointment.blocked_until > starts_at,
            or_(
                Appointment.room_id.in_(select(Room.id).where(Room.point_id == point.id)),
                Appointment.expert_id.in_(
                    select(ExpertService.expert_id).where(ExpertService.service_id == service.id)
                ),
            ),
        )
        .limit(1)
    )
    if ignore_appointment_id is not None:
        holding = holding.where(Appointment.id != ignore_appointment_id)
    if now is not None:
        lapsed = and_(Appointment.status == AppointmentStatus.HELD, Appointment.expires_at <= now)
        holding = holding.where(~lapsed)
    return session.scalar(holding) is not None


def not_available() -> NotBookable:
    """No expert works then (or no room exists): the time was never free."""
    return NotBookable(
        N_("This time is not available. Please choose one of the offered times."), field="start"
    )
