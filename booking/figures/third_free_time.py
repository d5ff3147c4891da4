"""How many days ahead the third free time lies, per point and agency.

The third free time, not the first: a single time freed by a cancellation says
little of how long people wait, three free times say the calendar has room.
:func:`measure_third_free_times` asks the availability service once a day (the
scheduler) and keeps one row per point and agency and day;
:func:`third_free_days` reads them back for the figures as medians over the
days measured.  Neither is a count of people, so nothing here is hidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from booking.data.advisory_locks import lock_name
from booking.data.availability import free_times
from booking.data.figures_models import ThirdFreeTime
from booking.data.models import Offering, Service, ServicePoint
from booking.engine.clock import to_helsinki
from booking.figures.scope import Scope
from booking.figures.shown import NOTHING, Shown

#: Days of free times asked at a time, until the third is found or the horizon is reached.
WINDOW_DAYS = 14


def measure_third_free_times(session: Session, *, now: datetime) -> int:
    """Measure every point and agency for today (Helsinki); a second run the same day
    replaces the first.  Returns how many were measured; flushes, never commits.
    Schedulers running it at once take turns."""
    lock_name(session, "third-free-times", kind=b"booking-job")
    today = to_helsinki(now).date()
    offered: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    rows = session.execute(
        select(Offering.point_id, Service.agency_id, Service.id, Service.horizon_days)
        .join(Service, Service.id == Offering.service_id)
        .where(Service.active)
        .order_by(Offering.point_id, Service.agency_id, Service.id)
    )
    for point_id, agency_id, service_id, horizon in rows:
        offered[(point_id, agency_id)].append((service_id, horizon))
    session.execute(delete(ThirdFreeTime).where(ThirdFreeTime.measured_on == today))
    for (point_id, agency_id), services in offered.items():
        third = _third_free_start(session, point_id, services, today, now)
        session.add(
            ThirdFreeTime(
                measured_on=today,
                point_id=point_id,
                agency_id=agency_id,
                month=f"{today:%Y-%m}",
                days_ahead=None if third is None else (to_helsinki(third).date() - today).days,
            )
        )
    session.flush()
    return len(offered)


def _third_free_start(
    session: Session, point_id: str, services: list[tuple[str, int]], today: date, now: datetime
) -> datetime | None:
    """The third earliest free start of any of ``services`` at the point, or None when
    the booking horizon has fewer than three."""
    last_day = today + timedelta(days=max(horizon for _service, horizon in services))
    found: list[datetime] = []
    first = today
    while first <= last_day and len(found) < 3:
        last = min(first + timedelta(days=WINDOW_DAYS - 1), last_day)
        # Windows follow each other, so the starts of a later one come after all found.
        found += sorted(
            {
                start
                for service_id, _horizon in services
                for start in free_times(session, point_id, service_id, first, last, now)
            }
        )
        first = last + timedelta(days=1)
    return found[2] if len(found) >= 3 else None


@dataclass(frozen=True)
class ThirdFreeDays:
    """Medians over the days measured in a scope: per (month, point, agency), and per
    (point, agency) over the whole scope; with the last day's measure of each pair."""

    by_month: dict[tuple[str, str, str], Shown]
    by_pair: dict[tuple[str, str], Shown]
    latest: dict[tuple[str, str], Shown]


def third_free_days(session: Session, scope: Scope) -> ThirdFreeDays:
    """The measures of ``scope``'s months, points and agencies; reads only."""
    query = select(
        ThirdFreeTime.month,
        ThirdFreeTime.point_id,
        ThirdFreeTime.agency_id,
        ThirdFreeTime.measured_on,
        ThirdFreeTime.days_ahead,
    ).where(ThirdFreeTime.month.between(scope.first_month, scope.last_month))
    if scope.point_id:
        query = query.where(ThirdFreeTime.point_id == scope.point_id)
    if scope.only_points is not None:
        query = query.where(ThirdFreeTime.point_id.in_(scope.only_points))
    if scope.agency_id:
        query = query.where(ThirdFreeTime.agency_id == scope.agency_id)
    if scope.municipality_id:
        query = query.join(ServicePoint, ServicePoint.id == ThirdFreeTime.point_id).where(
            ServicePoint.municipality_id == scope.municipality_id
        )
    by_month: dict[tuple[str, str, str], list[int | None]] = defaultdict(list)
    by_pair: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    latest: dict[tuple[str, str], tuple[date, int | None]] = {}
    for month, point_id, agency_id, measured_on, days in session.execute(query):
        by_month[(month, point_id, agency_id)].append(days)
        by_pair[(point_id, agency_id)].append(days)
        if (point_id, agency_id) not in latest or latest[(point_id, agency_id)][0] < measured_on:
            latest[(point_id, agency_id)] = (measured_on, days)
    return ThirdFreeDays(
        by_month={key: _median(values) for key, values in by_month.items()},
        by_pair={key: _median(values) for key, values in sorted(by_pair.items())},
        latest={key: _days(days) for key, (_on, days) in sorted(latest.items())},
    )


def _days(days: int | None) -> Shown:
    return Shown(days) if days is not None else NOTHING


def _median(values: list[int | None]) -> Shown:
    """The median of the days measured; a day without three free times sorts after every
    day that had them (it is as late as can be)."""
    ordered = sorted(values, key=lambda days: (days is None, days or 0))
    middle = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    if None in middle:
        return NOTHING
    value = (middle[0] + middle[1]) / 2
    return Shown(int(value) if value == int(value) else value)
