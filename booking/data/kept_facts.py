"""The facts a range's free times rest on, kept in the process's cache under the
revisions whose change would change them, and read together when not kept.

The region's calendar (its short days) is kept per region revision; a point's
service (its rules, hours, closures and rooms) per region, point and agency
revision; the agency's experts' weeks for a service per region and agency
revision, shared by every point offering it.  A range not cached reads those not
kept and then its day revisions; on PostgreSQL ``prefetch_range`` sends those
first reads to the server together (``calendar_rows.prefetch``), and the
functions below find their rows there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from booking.data.availability_cache import AvailabilityCache
from booking.data.calendar_inputs import (
    ServiceAtPoint,
    UnknownPointOrService,
    agency_experts_hours,
    experts_hours_read,
    head_read,
    point_calendar_read,
    services_at_points,
)
from booking.data.calendar_rows import Read, prefetch
from booking.data.calendar_spans import ExpertsByHours
from booking.data.calendar_stamps import Stamp, day_revisions_read
from booking.data.range_halves import Asked, rooms_half_current
from booking.data.short_days import region_calendar, region_calendar_read
from booking.engine.calendar_rules import FinnishCalendar


def service_at_point_kept(
    session: Session, cache: AvailabilityCache, point_id: str, service_id: str, stamp: Stamp
) -> ServiceAtPoint:
    """The point's service (hours, closures, rooms, experts' hours), loaded once while
    the region's, the point's and the agency's revisions in ``stamp`` are unchanged."""
    found = services_at_points_kept(session, cache, [point_id], service_id, {point_id: stamp})
    if point_id not in found:
        raise UnknownPointOrService(f"no point {point_id!r} or no service {service_id!r}")
    return found[point_id]


def services_at_points_kept(
    session: Session,
    cache: AvailabilityCache,
    point_ids: list[str],
    service_id: str,
    stamps: dict[str, Stamp],
) -> dict[str, ServiceAtPoint]:
    """``service_at_point_kept`` of several points, those not kept loaded together."""
    found, kept_under = {}, {}
    for point in point_ids:
        kept = _kept_service(cache, point, service_id, stamps[point])
        if kept is not None:
            found[point] = kept
        else:
            kept_under[point] = stamps[point][:3]
    if kept_under:
        stamp = stamps[next(iter(kept_under))]  # one reading: the same region and agency

        def experts_hours(agency_id: str) -> ExpertsByHours:
            return agency_experts_hours_kept(session, cache, service_id, agency_id, stamp)

        loaded = services_at_points(session, list(kept_under), service_id, experts_hours)
        for point, facts in loaded.items():
            cache.put(_service_key(point, service_id), (kept_under[point], facts))
        found.update(loaded)
    return found


def agency_experts_hours_kept(
    session: Session, cache: AvailabilityCache, service_id: str, agency_id: str, stamp: Stamp
) -> ExpertsByHours:
    """The agency's experts' hours for the service, read once while the region's and
    the agency's revisions in ``stamp`` are unchanged (their changes raise one of the
    two): every point offering the service shares them."""
    kept = _kept_experts_hours(cache, agency_id, service_id, stamp)
    if kept is not None:
        return kept
    hours = agency_experts_hours(session, service_id)
    cache.put(_hours_key(agency_id, service_id), (_hours_under(stamp), hours))
    cache.put(("agency of", service_id), agency_id)  # for prefetch_range's guess
    return hours


def region_calendar_kept(
    session: Session, cache: AvailabilityCache, region_revision: int
) -> FinnishCalendar:
    """The region's calendar (short days), read once per region revision: a change of
    the short-day rules raises it."""
    remembered = cache.get(_calendar_key(region_revision))
    if remembered is None:
        remembered = region_calendar(session)
        cache.put(_calendar_key(region_revision), remembered)
    return remembered


def prefetch_range(
    session: Session, cache: AvailabilityCache, asked: Asked, stamp: Stamp, now: datetime
) -> None:
    """Before ``asked``'s free starts are computed under ``stamp``: on PostgreSQL, the
    reads of those facts not kept and of the day revisions (when the point's half is
    not current) in one round trip.  Whatever is read and then not asked for is
    dropped with the ``read_calendar`` it was read in; what is asked for and was not
    read ahead is read then."""
    prefetch(session.connection(), lambda: _first_reads(session, cache, asked, stamp, now))


def _first_reads(
    session: Session, cache: AvailabilityCache, asked: Asked, stamp: Stamp, now: datetime
) -> Iterator[Read]:
    dialect = session.get_bind().dialect.name
    point, service = asked.point_id, asked.service_id
    if asked.calendar is None and cache.get(_calendar_key(stamp[0])) is None:
        yield region_calendar_read()
    if _kept_service(cache, point, service, stamp) is None:
        yield head_read(dialect, [point], service)
        yield point_calendar_read(dialect, [point])
        agency = cache.get(("agency of", service))  # a guess: wrong, it costs a read
        if agency is None or _kept_experts_hours(cache, agency, service, stamp) is None:
            yield experts_hours_read(dialect, service)
    if not rooms_half_current(cache, asked, stamp, now):
        yield day_revisions_read(dialect, [point], service, asked.first_day, asked.last_day)


def _kept_service(
    cache: AvailabilityCache, point_id: str, service_id: str, stamp: Stamp
) -> ServiceAtPoint | None:
    kept = cache.get(_service_key(point_id, service_id))
    return kept[1] if kept is not None and kept[0] == stamp[:3] else None


def _kept_experts_hours(
    cache: AvailabilityCache, agency_id: str, service_id: str, stamp: Stamp
) -> ExpertsByHours | None:
    kept = cache.get(_hours_key(agency_id, service_id))
    return kept[1] if kept is not None and kept[0] == _hours_under(stamp) else None


def _calendar_key(region_revision: int) -> tuple:
    return "region calendar", region_revision


def _service_key(point_id: str, service_id: str) -> tuple:
    return "service at point", point_id, service_id


def _hours_key(agency_id: str, service_id: str) -> tuple:
    return "experts' hours", agency_id, service_id


def _hours_under(stamp: Stamp) -> tuple[int, int]:
    """The revisions the agency's experts' hours rest on: the region's and the agency's."""
    return stamp[0], stamp[2]
