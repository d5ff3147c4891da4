"""Room hours open: each point's opening hours in a month times its active video rooms.

Opening hours are the point's weekly hours minus public holidays, closures and
the short days' early closing (the slot engine's own calendar rules).  They
come from the calendar as it is now: a point's hours are not kept per month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.data.models import Closure, OpeningHours, Room, ServicePoint
from booking.engine.calendar_rules import ClosureRule, opening_spans
from booking.figures.scope import Scope, month_days


def room_minutes_open(session: Session, scope: Scope) -> dict[tuple[str, str], int]:
    """(month, point id) → minutes its rooms were open, for the points in ``scope``."""
    points = select(ServicePoint.id, ServicePoint.timezone, ServicePoint.municipality_id)
    if scope.municipality_id:
        points = points.where(ServicePoint.municipality_id == scope.municipality_id)
    if scope.point_id:
        points = points.where(ServicePoint.id == scope.point_id)
    if scope.only_points is not None:
        points = points.where(ServicePoint.id.in_(scope.only_points))
    found = session.execute(points).all()
    ids = [point_id for point_id, _zone, _municipality in found]
    rooms = dict(
        session.execute(
            select(Room.point_id, func.count())
            .where(Room.active, Room.point_id.in_(ids))
            .group_by(Room.point_id)
        ).all()
    )
    weekly: dict[str, dict[int, list[tuple[time, time]]]] = defaultdict(lambda: defaultdict(list))
    for point_id, weekday, opens, closes in session.execute(
        select(
            OpeningHours.point_id, OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes
        ).where(OpeningHours.point_id.in_(ids))
    ):
        weekly[point_id][weekday].append((opens, closes))
    first_day, last_day = month_days(scope.first_month)[0], month_days(scope.last_month)[1]
    closures: dict[str, list[ClosureRule]] = defaultdict(list)
    for point_id, closed_on, starts, ends in session.execute(
        select(Closure.point_id, Closure.closed_on, Closure.starts, Closure.ends).where(
            Closure.point_id.in_(ids), Closure.closed_on.between(first_day, last_day)
        )
    ):
        closures[point_id].append(ClosureRule(closed_on, starts, ends))
    minutes: dict[tuple[str, str], int] = {}
    for point_id, zone, _municipality in found:
        for month in scope.months():
            first, last = month_days(month)
            spans = opening_spans(weekly[point_id], closures[point_id], first, last, ZoneInfo(zone))
            open_seconds = sum((span.end - span.start).total_seconds() for span in spans)
            minutes[(month, point_id)] = round(open_seconds / 60) * rooms.get(point_id, 0)
    return minutes
