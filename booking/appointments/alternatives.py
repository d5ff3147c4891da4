"""Nearby free times, offered when the asked time was just taken.

The nearest free times at the same point first, then the nearest at other
points that offer the service.  Read-only; cached free times are fine here.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data import availability as calendars
from booking.data.models import Offering, ServicePoint
from booking.engine.clock import HELSINKI, require_aware

#: How far around a taken time alternatives are looked for.
ALTERNATIVES_DAYS_BEFORE = 2
ALTERNATIVES_DAYS_AFTER = 14
#: Days after the asked one looked at first.
ALTERNATIVES_DAYS_NEAR = 2


@dataclass(frozen=True)
class Alternative:
    """A free start time offered instead of one that was just taken."""

    point_id: str
    starts_at: datetime


def nearby_alternatives(
    session: Session,
    point_id: str,
    service_id: str,
    around: datetime,
    *,
    now: datetime,
    limit: int = 6,
    min_notice: timedelta | None = None,
) -> list[Alternative]:
    """Free times near ``around``: the nearest at the same point first, then the
    nearest at other points offering the service (one or two each).  ``min_notice``
    replaces the service's minimum notice (see ``calendars.free_times``)."""
    around = require_aware(around)
    day = around.astimezone(HELSINKI).date()
    first_day = max(day - timedelta(days=ALTERNATIVES_DAYS_BEFORE), now.astimezone(HELSINKI).date())
    last_day = day + timedelta(days=ALTERNATIVES_DAYS_AFTER)

    # The days next to the asked one first (a third of the work): enough when the
    # nearest times found there are no farther than the first moment after them.
    near_last = max(first_day, min(last_day, day + timedelta(days=ALTERNATIVES_DAYS_NEAR)))
    near_end = datetime.combine(near_last + timedelta(days=1), time(0), tzinfo=HELSINKI)

    other_points = session.scalars(
        select(Offering.point_id)
        .join(ServicePoint, ServicePoint.id == Offering.point_id)
        .where(Offering.service_id == service_id, Offering.point_id != point_id)
        .where(ServicePoint.active, ServicePoint.online)  # citizens are offered shown points only
        .order_by(Offering.point_id)
    ).all()
    counts = {point_id: max(1, limit - limit // 3)} | dict.fromkeys(other_points, 1)

    def nearest_at_each(points: list[str], until: date) -> dict[str, list[datetime]]:
        times = calendars.free_times_at_points(
            session, points, service_id, first_day, until, now, min_notice=min_notice
        )
        return {
            point: nearest_times(times.get(point, []), around, counts[point]) for point in points
        }

    chosen = nearest_at_each(list(counts), near_last)
    if near_last < last_day:
        farther = [
            point
            for point, times in chosen.items()
            if len(times) < counts[point] or max(abs(t - around) for t in times) > near_end - around
        ]
        if farther:
            chosen |= nearest_at_each(farther, last_day)
    same_point = [Alternative(point_id, t) for t in chosen[point_id]]
    others = [Alternative(point, t) for point in other_points for t in chosen[point]]
    others.sort(key=lambda a: (abs((a.starts_at - around).total_seconds()), a.point_id))
    return same_point + others[: max(0, limit - len(same_point))]


def nearest_times(times: list[datetime], around: datetime, count: int) -> list[datetime]:
    """The ``count`` times of ascending ``times`` nearest to ``around`` (ties: the
    earlier first), nearest first — without sorting them all."""
    after = bisect_left(times, around)
    before = after - 1
    chosen: list[datetime] = []
    while len(chosen) < count and (before >= 0 or after < len(times)):
        take_before = after >= len(times) or (
            before >= 0 and around - times[before] <= times[after] - around
        )
        if take_before:
            chosen.append(times[before])
            before -= 1
        else:
            chosen.append(times[after])
            after += 1
    return chosen
