"""The front page's finder: the service points nearest to a postal code or a municipality.

``GET /nearest?where=40100&agency=kela`` — a plain GET form, so that it works
without JavaScript and its answer can be bookmarked.  With an agency chosen,
each point shows its earliest free time for that agency within the next
:data:`LOOK_AHEAD_DAYS` days, a link straight to the booking's details step.
The times come from the cached availability (``booking.data.availability``),
and only for the few points shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.availability import free_times
from booking.data.models import Agency, Municipality, Offering, Service, ServicePoint
from booking.engine.clock import to_helsinki, utc_now
from booking.public.blueprint import bp
from booking.public.booking_links import book_time_url
from booking.public.views import alphabetical, offered_agencies
from booking.region.nearest import MAX_TYPED, find_origin, nearest
from booking.web.database import get_session
from booking.web.i18n import localized

#: How many points the finder shows.
SHOWN = 5
#: How far ahead the finder looks for a point's earliest free time.
LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True)
class EarliestTime:
    starts_at: datetime
    service: Service
    url: str


@dataclass(frozen=True)
class NearPoint:
    point: ServicePoint
    distance_km: float
    earliest: EarliestTime | None


@bp.get("/nearest")
def nearest_points():
    session = get_session()
    typed = (request.args.get("where") or "").strip()[:MAX_TYPED]
    agencies, agencies_at = offered_agencies(session)
    chosen = next((a for a in agencies if a.id == request.args.get("agency")), None)
    if not typed and chosen is not None:
        return redirect(url_for(".index", agency=chosen.id, _anchor="points"))
    municipalities = session.scalars(select(Municipality)).all()
    points = session.scalars(
        select(ServicePoint).where(ServicePoint.active, ServicePoint.online)
    ).all()
    origin = find_origin(typed, municipalities, points) if typed else None
    context = {
        "title": _("Nearest service points"),
        "agencies": agencies,
        "chosen_agency": chosen,
        "where": typed,
        "look_ahead_days": LOOK_AHEAD_DAYS,
    }
    if origin is None:
        if typed:
            error = _(
                "“%(typed)s” is not a postal code or a municipality of Central Finland. "
                "Please check it, or choose your municipality from the list.",
                typed=typed,
            )
        else:
            error = _("Please type your postal code or the name of your municipality.")
        listed = sorted(
            (m for m in municipalities if m.latitude is not None),
            key=lambda m: alphabetical(localized(m)),
        )
        page = render_template("public/nearest.html", error=error, municipalities=listed, **context)
        return page, 422
    if chosen is not None:
        points = [p for p in points if chosen.id in agencies_at[p.id]]
    now = utc_now()
    found = [
        NearPoint(point, distance, _earliest(session, point, chosen, now) if chosen else None)
        for point, distance in nearest(origin.location, points, SHOWN)
    ]
    return render_template("public/nearest.html", origin=origin, found=found, **context)


def _earliest(
    session: Session, point: ServicePoint, agency: Agency, now: datetime
) -> EarliestTime | None:
    """The earliest free time at ``point`` of any of ``agency``'s services it offers."""
    today = to_helsinki(now).date()
    best: EarliestTime | None = None
    for service in session.scalars(
        select(Service)
        .join(Offering, Offering.service_id == Service.id)
        .where(Offering.point_id == point.id, Service.agency_id == agency.id, Service.active)
        .order_by(Service.id)
    ):
        last_day: date = today + timedelta(days=min(LOOK_AHEAD_DAYS, service.horizon_days))
        starts = free_times(session, point.id, service.id, today, last_day, now)
        if starts and (best is None or starts[0] < best.starts_at):
            best = EarliestTime(starts[0], service, book_time_url(point.id, service.id, starts[0]))
    return best
