"""The citizen's choice of point, service and start time, checked again at every step.

The choice travels in URLs and hidden form fields, so it is never trusted:
:func:`resolve_choice` reloads the point and the service, checks that the point
offers the service and that the start time is a real bookable time, and says
which field is wrong when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.models import Offering, Service, ServicePoint
from booking.engine.clock import HELSINKI
from booking.web.refusals import refusal_text


class ChoiceError(ValueError):
    """The point, service or time is not acceptable; ``field`` names which."""

    def __init__(self, field: str, message):
        super().__init__(field)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Choice:
    point: ServicePoint
    service: Service
    starts_at: datetime | None = None  # aware UTC

    @property
    def local_day(self) -> date | None:
        return self.starts_at.astimezone(HELSINKI).date() if self.starts_at else None


def format_start(starts_at: datetime) -> str:
    """``2026-03-03T10:00+02:00`` (Helsinki time with its offset): readable in a URL and
    unambiguous across DST."""
    return starts_at.astimezone(HELSINKI).isoformat(timespec="minutes")


def parse_start(raw: object) -> datetime:
    """An aware datetime from ISO 8601 with an offset (:func:`format_start`'s form);
    :class:`ChoiceError` on anything else."""
    message = _l("Please choose one of the offered start times.")
    if not isinstance(raw, str) or not raw or len(raw) > 40:
        raise ChoiceError("start", message)
    try:
        # A "+" typed into a URL by hand arrives as a space.
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise ChoiceError("start", message) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ChoiceError("start", message)
    return moment


def parse_day(raw: object) -> date | None:
    """A ``YYYY-MM-DD`` date, or None when it is not one."""
    if not isinstance(raw, str) or len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_month(raw: object) -> date | None:
    """The first day of a ``YYYY-MM`` month, or None when it is not one."""
    if not isinstance(raw, str) or len(raw) != 7:
        return None
    try:
        return date.fromisoformat(raw + "-01")
    except ValueError:
        return None


def resolve_point_service(session: Session, point_id: object, service_id: object) -> Choice:
    """The active point and the active service it offers; :class:`ChoiceError` otherwise."""
    point = session.get(ServicePoint, point_id) if isinstance(point_id, str) else None
    if point is None or not point.active or not point.online:
        raise ChoiceError("point", _l("There is no such service point."))
    service = session.get(Service, service_id) if isinstance(service_id, str) else None
    if service is None or not service.active:
        raise ChoiceError("service", _l("There is no such service."))
    offered = session.scalar(
        select(Offering).where(Offering.point_id == point.id, Offering.service_id == service.id)
    )
    if offered is None:
        raise ChoiceError("service", _l("This service is not offered at this service point."))
    return Choice(point=point, service=service)


def resolve_choice(
    session: Session, point_id: object, service_id: object, start: object, *, now: datetime
) -> Choice:
    """Point, service and a start time that passes the rules (grid, notice, horizon,
    opening hours, closures), so that the citizen hears the real reason for a refusal.
    Whether the time is still free is asked separately."""
    from booking.appointments.errors import NotBookable
    from booking.appointments.start_checks import check_open, check_start

    choice = resolve_point_service(session, point_id, service_id)
    starts_at = parse_start(start)
    try:
        starts_at = check_start(choice.point, choice.service, starts_at, now=now)
        check_open(session, choice.point, choice.service, starts_at)
    except NotBookable as error:
        raise ChoiceError(error.field or "start", refusal_text(error)) from error
    return Choice(point=choice.point, service=choice.service, starts_at=starts_at)


def bookable_days(service: Service, *, now: datetime) -> tuple[date, date]:
    """The first and last Helsinki day on which the service can have a free time."""
    today = now.astimezone(HELSINKI).date()
    return today, today + timedelta(days=service.horizon_days)
