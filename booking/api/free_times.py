"""``GET /points/{point}/availability``: free start times of a service at a point.

Benchmarked against a bare Flask endpoint, so a request does little beyond the
engine's own work.  The dates are checked without the database; then one query
reads the revisions the answer rests on (``availability_stamp``: the region's,
the point's and the service's agency's, and their days').  An answer computed
under the same revisions, and still valid at this instant (no hold lapsed, no
time passed its notice, the same day), is sent again as the bytes it was,
with its ETag — or a 304 when the client already holds them.  Where the
calendar signal is shared (SQLite, or PostgreSQL with a registered signal:
``booking.data.calendar_signal``), an answer found current is sent again without
that query while the signal's counts of its slots read the same, nothing being
written.  Otherwise one
query tells an unknown point or service (404), a point hidden online (404) or
a service not offered there (422) from a question to answer, and
``free_times_answer`` computes it.  Times go out as ISO 8601 with the Helsinki offset, each
formatted once per process.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import Response, request
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from booking.api.availability_hits import ANSWER_KEY, halves_found, signalled_current
from booking.api.blueprint import bp
from booking.api.json_errors import field_errors, not_found
from booking.data.availability import (
    UnknownPointOrService,
    free_times_answer,
    local_day_window,
    signal_slots,
)
from booking.data.availability_cache import HoldSpan, cache_of_engine
from booking.data.calendar_revision import may_use_cache
from booking.data.calendar_signal import QUIET_TOKEN, Quiet, signal_of_engine
from booking.data.calendar_stamps import (
    SIGNAL_TOKEN,
    Stamp,
    availability_stamp,
    committed_stamp,
)
from booking.data.models import Offering, Service, ServicePoint
from booking.engine.clock import HELSINKI, utc_now
from booking.web.database import get_engine, get_session

#: Days shown when ``to`` is not given: ``from`` and the 30 days after it.
DEFAULT_SPAN_DAYS = 30
#: The longest range one request may ask for, both ends included.
MAX_RANGE_DAYS = 62
#: No service is booked this far ahead; later days are answered without the engine.
FAR_FUTURE_DAYS = 3 * 366

#: Browsers and integrations may keep an answer but must ask (with its ETag) before reuse.
REVALIDATE = "no-cache"

_DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Point and service ids are slugs (see the region file); anything else is unknown.
_ID_FORM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: Point exists, is active and shown online; the service exists and is active; the point offers it.
_LOOKUP = select(
    select(ServicePoint.id)
    .where(ServicePoint.id == bindparam("point_id"), ServicePoint.active, ServicePoint.online)
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
    session: Session,
    point_id: str,
    service_id: str,
    first: date,
    last: date,
    now: datetime,
    stamp: Stamp,
) -> tuple[list[datetime], HoldSpan, tuple | None]:
    """The times, the instants they stay the same for (to the day's end at most), and
    the agency's half they rest on (None: times found without one)."""
    today = now.astimezone(HELSINKI).date()
    first = max(first, today)  # nothing is free in the past
    if first > last or first > plus_days(today, FAR_FUTURE_DAYS):
        return [], HoldSpan(*_seconds_of(local_day_window(today, today, HELSINKI))), None
    try:
        return free_times_answer(session, point_id, service_id, first, last, now, stamp)
    except UnknownPointOrService:
        return [], HoldSpan(*_seconds_of(local_day_window(today, today, HELSINKI))), None


def _seconds_of(window) -> tuple[float, float]:
    return window.start.timestamp(), window.end.timestamp()


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


@dataclass(frozen=True)
class _Answer:
    """A 200 answer kept as sent: its body, its ETag, its times, and when it may be
    sent again.  ``agency_half``: the agency's half its times rest on, its key and
    version (None: none); ``point_days``: the point and the days its times were
    computed for (its stamp's point revisions are over those days).
    ``slots``: its slots of the calendar signal (None without one); ``quiet``: their
    counts when its stamp was last found current, nothing being written."""

    stamp: Stamp
    valid: HoldSpan
    body: bytes
    etag: str
    times: list[datetime]
    agency_half: tuple | None
    point_days: tuple[str, date, date]
    slots: tuple[int, ...] | None = None
    quiet: Quiet | None = None


@bp.get("/points/<point_id>/availability")
def point_availability(point_id: str):
    service_id = request.args.get("service", "")
    now = utc_now()
    first, last, errors = asked_days(now.astimezone(HELSINKI).date())
    if errors or not (is_id(point_id) and is_id(service_id)):
        return _refusal(get_session(), point_id, service_id, errors) or _answer(
            point_id, service_id, first, last, []
        )
    # The stamp first, then the data: an answer is kept under revisions it is at
    # least as new as, and sent again only while they are unchanged.  A hit needs
    # neither a session nor a transaction, and, while the calendar signal says
    # nothing of it changed since its stamp was read, no round trip at all.
    engine = get_engine()
    # The days computed: nothing is free in the past (see _engine_times).
    computed = (max(first, now.astimezone(HELSINKI).date()), last)
    key = ("json", point_id, service_id, first, last)
    cache = cache_of_engine(engine)
    signal = signal_of_engine(engine)
    kept = cache.get(key)
    usable = kept is not None and kept.valid.holds_at(now.timestamp())
    quiet = signal.quiet(kept.slots) if usable and kept.slots else None  # before the stamp
    if signalled_current(cache, key, kept, quiet):
        return _sent(kept, key)
    stamp = committed_stamp(engine, point_id, service_id, *computed)
    signal.heard(stamp[SIGNAL_TOKEN])
    if quiet is not None and quiet[QUIET_TOKEN] != stamp[SIGNAL_TOKEN]:
        quiet = None  # counts of a file that is not (or no longer) the registered one
    if usable and kept.stamp == stamp:
        if quiet is not None:
            kept = replace(kept, quiet=quiet)
            cache.put(key, kept)
            halves_found(cache, kept, quiet)
        return _sent(kept, key)
    session = get_session()
    if session.in_transaction():  # its data may be older than that stamp
        stamp = availability_stamp(session, point_id, service_id, *computed)
        quiet = None  # and older than the counts read before it
    # Before the times: a point hidden online has times for its desk, none for the API.
    # What that rests on (the point, the service, the offering) raises the region's or
    # the point's revision, so a kept answer under the same ones was asked so already.
    if kept is None or kept.stamp[:3] != stamp[:3]:
        refusal = _refusal(session, point_id, service_id, errors)
        if refusal is not None:
            return refusal
    starts, valid, agency_half = _engine_times(
        session, point_id, service_id, first, last, now, stamp
    )
    if kept is not None and kept.times == starts:  # the same bytes: kept as they are
        body, etag = kept.body, kept.etag
    else:
        body = _answer(point_id, service_id, first, last, starts)
        etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    slots = signal_slots(session, point_id, service_id, stamp)
    # The counts read before the stamp hold for this answer too, if of the same slots.
    quiet = quiet if quiet is not None and slots == kept.slots else None
    point_days = (point_id, *computed)
    kept = _Answer(stamp, valid, body, etag, starts, agency_half, point_days, slots, quiet)
    if not may_use_cache(session):
        return _sent(kept, None)
    cache.put(key, kept)
    halves_found(cache, kept, quiet)
    return _sent(kept, key)


def _sent(kept: _Answer, key: tuple | None) -> Response:
    """The answer (304 when the client holds it); ``key``: where it is cached, told to
    the layer that sends hits before Flask (``booking.api.availability_hits``)."""
    if key is not None:
        request.environ[ANSWER_KEY] = key
    headers = {"ETag": kept.etag, "Cache-Control": REVALIDATE}
    if _matches(kept.etag, request.headers.get("If-None-Match")):
        return Response(status=304, headers=headers)
    return Response(kept.body, mimetype="application/json", headers=headers)


def _matches(etag: str, if_none_match: str | None) -> bool:
    """Whether the client's ``If-None-Match`` names ``etag`` (weakly compared) or is ``*``."""
    if not if_none_match:
        return False
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in if_none_match.split(","))


def _answer(point_id: str, service_id: str, first, last, starts: list[datetime]) -> bytes:
    return json.dumps(
        {
            "point": point_id,
            "service": service_id,
            "timezone": "Europe/Helsinki",
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
            "times": list(map(helsinki_iso, starts)),
        },
        separators=(",", ":"),
    ).encode()
