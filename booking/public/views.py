"""Citizen-facing information pages: service points by municipality, one point's page,
the accessibility statement and the privacy notice.

Read-only and thin: a few queries, then the template.  A point's page shows
its address, weekly hours, the coming holidays and closures, and per service
the next free times, each a link into the booking flow (``booking_views``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.data.availability import free_times
from booking.data.models import Agency, Closure, Offering, Service, ServicePoint
from booking.data.short_days import region_calendar
from booking.engine.clock import to_helsinki, utc_now
from booking.public.blueprint import bp
from booking.public.booking_links import book_time_url, choose_day_url, choose_service_url
from booking.public.forms import FeedbackForm
from booking.public.point_facts import (
    ClosureFact,
    upcoming_exceptions,
    week_rows,
    weekly_hours,
)
from booking.web.database import get_session
from booking.web.i18n import current_language, localized

#: How far ahead a point's page looks for holidays, closures and free times.
DAYS_AHEAD = 30
#: Free times shown per service on a point's page: the earliest of each of the next days.
NEXT_TIMES = 4
#: When the accessibility statement was last reviewed (the Act 306/2019 asks for the date).
STATEMENT_REVIEWED = date(2026, 12, 2)

# In Finnish and Swedish alphabetical order å, ä and ö come after z.
_NORDIC_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def alphabetical(name: str) -> str:
    return name.lower().translate(_NORDIC_ORDER)


@dataclass(frozen=True)
class FreeTime:
    starts_at: datetime
    url: str


@dataclass(frozen=True)
class ServiceTimes:
    service: Service
    times: list[FreeTime]
    all_times_url: str


def offered_agencies(session) -> tuple[list[Agency], dict[str, set[str]]]:
    """The agencies some point offers (in alphabetical order), and each point's agencies."""
    agencies_at: dict[str, set[str]] = defaultdict(set)
    for point_id, agency_id in session.execute(
        select(Offering.point_id, Service.agency_id)
        .join(Service, Service.id == Offering.service_id)
        .join(ServicePoint, ServicePoint.id == Offering.point_id)
        .where(Service.active, ServicePoint.online)
        .distinct()
    ):
        agencies_at[point_id].add(agency_id)
    offered = set().union(*agencies_at.values())
    agencies = sorted(
        (a for a in session.scalars(select(Agency)) if a.id in offered),
        key=lambda a: alphabetical(localized(a)),
    )
    return agencies, agencies_at


@bp.get("/")
def index():
    session = get_session()
    points = session.scalars(
        select(ServicePoint)
        .where(ServicePoint.active, ServicePoint.online)
        .options(joinedload(ServicePoint.municipality))
    ).all()
    agencies, agencies_at = offered_agencies(session)
    chosen = request.args.get("agency") or None
    if chosen not in {a.id for a in agencies}:
        chosen = None
    if chosen:
        points = [p for p in points if chosen in agencies_at[p.id]]

    by_municipality: dict[str, list[ServicePoint]] = defaultdict(list)
    for point in points:
        by_municipality[point.municipality_id].append(point)
    groups = [
        (
            group[0].municipality,
            [
                (point, [a for a in agencies if a.id in agencies_at[point.id]])
                for point in sorted(group, key=lambda p: alphabetical(localized(p)))
            ],
        )
        for group in sorted(
            by_municipality.values(), key=lambda g: alphabetical(localized(g[0].municipality))
        )
    ]
    chosen_agency = next((a for a in agencies if a.id == chosen), None)
    return render_template(
        "public/index.html",
        title=_("Service points"),
        groups=groups,
        agencies=agencies,
        chosen_agency=chosen_agency,
        point_count=len(points),
    )


@bp.get("/points/<point_id>")
def point_page(point_id: str):
    session = get_session()
    point = session.get(ServicePoint, point_id, options=[joinedload(ServicePoint.municipality)])
    if point is None or not point.active or not point.online:
        abort(404)
    language = current_language()
    now = utc_now()
    today = to_helsinki(now).date()
    last_day = today + timedelta(days=DAYS_AHEAD)

    weekly = weekly_hours((h.weekday, h.opens, h.closes) for h in point.opening_hours)
    closures = session.scalars(
        select(Closure).where(
            Closure.point_id == point.id,
            Closure.closed_on >= today,
            Closure.closed_on <= last_day,
        )
    )
    exceptions = upcoming_exceptions(
        weekly,
        [ClosureFact(c.closed_on, c.starts, c.ends, c.reason) for c in closures],
        today,
        last_day,
        region_calendar(session),
        language,
    )
    services = session.scalars(
        select(Service)
        .join(Offering, Offering.service_id == Service.id)
        .where(Offering.point_id == point.id, Service.active)
        .options(joinedload(Service.agency))
    ).all()
    by_agency: dict[str, list[ServiceTimes]] = defaultdict(list)
    for service in sorted(services, key=lambda s: alphabetical(localized(s))):
        by_agency[service.agency_id].append(_service_times(session, point, service, today, now))
    agency_groups = sorted(
        ((group[0].service.agency, group) for group in by_agency.values()),
        key=lambda pair: alphabetical(localized(pair[0])),
    )
    return render_template(
        "public/point.html",
        title=localized(point),
        point=point,
        week=week_rows(weekly, language),
        exceptions=exceptions,
        agency_groups=agency_groups,
        days_ahead=DAYS_AHEAD,
        book_url=choose_service_url(point.id),
    )


def _service_times(session, point: ServicePoint, service: Service, today: date, now: datetime):
    last_day = today + timedelta(days=min(DAYS_AHEAD, service.horizon_days))
    starts = first_of_each_day(free_times(session, point.id, service.id, today, last_day, now))
    return ServiceTimes(
        service=service,
        times=[FreeTime(start, book_time_url(point.id, service.id, start)) for start in starts],
        all_times_url=choose_day_url(point.id, service.id),
    )


def first_of_each_day(starts: list[datetime], limit: int = NEXT_TIMES) -> list[datetime]:
    """The earliest start of each local day, for the first ``limit`` days that have one."""
    chosen: list[datetime] = []
    seen_days: set[date] = set()
    for start in starts:
        day = to_helsinki(start).date()
        if day not in seen_days:
            seen_days.add(day)
            chosen.append(start)
            if len(chosen) == limit:
                break
    return chosen


@bp.get("/accessibility")
def accessibility_statement():
    return statement_page(FeedbackForm())


def statement_page(form) -> str:
    """The accessibility statement with its feedback form (refusals shown on it)."""
    return render_template(
        "public/accessibility.html",
        title=_("Accessibility statement"),
        reviewed=STATEMENT_REVIEWED,
        contact=current_app.config["BOOKING_CONTACT_EMAIL"],
        form=form,
    )


@bp.get("/privacy")
def privacy_notice():
    config = current_app.config
    return render_template(
        "public/privacy.html",
        title=_("Privacy notice"),
        contact=config["BOOKING_CONTACT_EMAIL"],
        retention_days=config["BOOKING_RETENTION_DAYS"],
        link_days=config["BOOKING_MANAGE_LINK_DAYS"],
    )
