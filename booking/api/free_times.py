"""``GET /points/{point}/availability``: free start times of a service at a point.

Benchmarked against a bare Flask endpoint, so a request does little beyond the
engine's own work: the dates are checked without the database, then
``booking.calendars.free_times`` answers (its cached part keyed by the calendar
revision) with the request's one session.  A non-empty answer proves that the
point and the service exist and go together; only an empty one pays for a
second query that tells "nothing free" from an unknown point or service (404)
or a service not offered there (422).  Times go out as ISO 8601 with the
Helsinki offset, each formatted once per process.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import Response, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from booking.api.blueprint import bp
from booking.api.json_errors import field_errors, not_found
from booking.data.availability import UnknownPointOrService, free_times
from booking.data.models import Offering, Service, ServicePoint
from booking.engine.clock import HELSINKI, utc_now
from booking.web.database import get_session

#: Days shown when ``to`` is not given: ``from`` and the 30 days after it.
DEFAULT_SPAN_DAYS = 30
#: The longest range one request may ask for, both ends included.
MAX_RANGE_DAYS = 62
#: No service is booked this far ahead; later days are answered without the engine.
FAR_FUTURE_DAYS = 3 * 366

_DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Point and service ids are slugs (see the region file); anything else is unknown.
_ID_FORM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: Point exists and is active; the service exists and is active; the point offers it.
_LOOKUP = select(
    select(ServicePoint.id)
    .where(ServicePoint.id == bindparam("point_id"), ServicePoint.active)
    .exists(),
    select(Service.id).where(Service.id == bindparam("service_id"), Service.active).exists(),
    select(Offering.point_id)
    .where(
        and_(
            Offering.point_id == bindparam("point_id"),
            Offering.service_id == bindparam("service_id"),
        )
    )
    .exists(),
)


def parse_day(raw: str) -> date | None:
    """A calendar date written YYYY-MM-DD, or None when it is not one."""
    if not _DATE_FORM.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def plus_days(day: date, days: int) -> date:
    """``day + days``, stopping at the last representable date instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def is_id(raw: str) -> bool:
    return len(raw) <= 60 and _ID_FORM.fullmatch(raw) is not None


@lru_cache(maxsize=65_536)
def helsinki_iso(moment: datetime) -> str:
    """``2026-03-30T09:15:00+03:00``: the instant in Helsinki time with its offset."""
    return moment.astimezone(HELSINKI).isoformat()


def asked_days(today: date) -> tuple[date | None, date | None, dict[str, str]]:
    """``from`` and ``to`` of the query (defaults: today and 30 days on), and field errors."""
    errors: dict[str, str] = {}
    raw_from, raw_to = request.args.get("from", ""), request.args.get("to", "")
    first = parse_day(raw_from) if raw_from else today
    if first is None:
        errors["from"] = _("Give the date as YYYY-MM-DD, for example 2026-03-30.")
    last = parse_day(raw_to) if raw_to else (first and plus_days(first, DEFAULT_SPAN_DAYS))
    if last is None and raw_to:
        errors["to"] = _("Give the date as YYYY-MM-DD, for example 2026-03-30.")
    if first is not None and last is not None:
        if first > last:
            errors["to"] = _("The end date must not be before the start date.")
        elif (last - first).days + 1 > MAX_RANGE_DAYS:
            errors["to"] = _("Ask for at most %(days)d days at a time.", days=MAX_RANGE_DAYS)
    return first, last, errors


def _engine_times(
    session: Session, point_id: str, service_id: str, first: date, last: date, now: datetime
) -> list[datetime]:
    today = now.astimezone(HELSINKI).date()
    first = max(first, today)  # nothing is free in the past
    if first > last or first > plus_days(today, FAR_FUTURE_DAYS):
        return []
    try:
        return free_times(session, point_id, service_id, first, last, now)
    except UnknownPointOrService:
        return []


def _refusal(
    session: Session, point_id: str, service_id: str, errors: dict[str, str]
) -> tuple[Response, int] | None:
    """404 for an unknown point or service, 422 for bad fields; None when all is well."""
    point_ok = service_ok = offered = False
    if is_id(point_id):
        ids = {"point_id": point_id, "service_id": service_id if is_id(service_id) else ""}
        point_ok, service_ok, offered = session.execute(_LOOKUP, ids).one()
    if not point_ok:
        return not_found(_("There is no such service point."))
    if not service_id:
        errors["service"] = _("Choose a service.")
    elif not service_ok:
        return not_found(_("There is no such service."))
    elif not offered:
        errors["service"] = _("This service is not offered at this service point.")
    return field_errors(errors) if errors else None


@bp.get("/points/<point_id>/availability")
def point_availability(point_id: str):
    service_id = request.args.get("service", "")
    now = utc_now()
    first, last, errors = asked_days(now.astimezone(HELSINKI).date())
    session = get_session()
    starts: list[datetime] = []
    if not errors and is_id(point_id) and is_id(service_id):
        starts = _engine_times(session, point_id, service_id, first, last, now)
    if not starts:
        refusal = _refusal(session, point_id, service_id, errors)
        if refusal is not None:
            return refusal
    return jsonify(
        point=point_id,
        service=service_id,
        timezone="Europe/Helsinki",
        **{"from": first.isoformat(), "to": last.isoformat()},
        times=list(map(helsinki_iso, starts)),
    )
