"""Links from the information pages into the booking flow.

The flow's pages live in ``booking.public.booking_views``; these builders fall
back to the flow's plain paths so that the information pages never break on a
renamed endpoint.
"""

from __future__ import annotations

from datetime import datetime

from flask import request, url_for
from werkzeug.routing import BuildError

from booking.engine.clock import to_helsinki


def _url(endpoint: str, fallback: str, **values: object) -> str:
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return request.script_root + fallback


def choose_service_url(point_id: str) -> str:
    """The flow's first page at this point: which service."""
    return _url("public.choose_service", f"/book/{point_id}", point_id=point_id)


def choose_day_url(point_id: str, service_id: str) -> str:
    """The flow's month view of free days for this service at this point."""
    fallback = f"/book/{point_id}/{service_id}"
    return _url("public.choose_day", fallback, point_id=point_id, service_id=service_id)


def book_time_url(point_id: str, service_id: str, start: datetime) -> str:
    """Straight to the details step with ``start`` chosen (else that day's times)."""
    try:
        from booking.public.choice import format_start

        return url_for(
            "public.details", point=point_id, service=service_id, start=format_start(start)
        )
    except (ImportError, BuildError):
        day = to_helsinki(start).date().isoformat()
        fallback = f"/book/{point_id}/{service_id}/{day}"
        return _url(
            "public.choose_time", fallback, point_id=point_id, service_id=service_id, day=day
        )
