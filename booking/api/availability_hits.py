"""Cache hits of ``GET /api/v1/points/{point}/availability`` answered before Flask.

The endpoint keeps every answer as the bytes it sent, and sends them again
without a round trip while the calendar signal says nothing they rest on has
changed (``booking.api.free_times``).  What is left of such a hit is Flask's own
work for a request, which is most of it.  This WSGI layer remembers, for each
URL the endpoint answered with a kept answer, that answer's key and the headers
Flask sent with it (its own and every ``after_request`` hook's).  When the same
URL comes again and the endpoint would send the same bytes (the kept answer
still has that ETag, is valid at this instant, and the signal's counts of its
slots read as when it was found current, nothing being written), it sends them
with those headers here.  Anything else (another method, a conditional
request, a request with a body, an answer not kept, a slot being written, no
shared signal) goes to Flask as before, so the endpoint's rules stay the only
rules.

A booking raises its agency's count, and every point offers the agency's
services: at national scale a thousand kept answers per process rest on one
agency's slot.  Yet a booking seldom changes the agency's half of an answer
(``booking.data.range_halves``: the starts at which one of its experts is
free), only the half of its own point.  And it raises its point's count, which
every answer at the point shares whatever its service and days, though it
changes the point's half only of the days it touches.  So when the endpoint
finds an answer current under counts read before its stamp, nothing being
written, it notes (:func:`halves_found`) the agency's half's version and the
agency's revisions over the answer's days at the region's and the agency's
counts, and the point's revisions over the answer's days at the region's and
the point's counts.  An answer whose region's count did not move is still
current when each of its point's and agency's counts that moved was found, at
the count it has now, to leave its half as the answer rests on it
(:func:`signalled_current`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine

from booking.data.availability_cache import cache_of_engine
from booking.data.calendar_signal import Quiet, signal_of_engine
from booking.data.range_halves import agency_of_half
from booking.engine.clock import utc_now

#: Where the endpoint puts the cache key of the kept answer it sends.
ANSWER_KEY = "booking.availability_answer_key"
_PATH = re.compile(r"/api/v1/points/[^/]+/availability\Z")
#: Headers that are never sent again from here (another visitor's, or per request).
_PERSONAL = frozenset({"set-cookie"})


class AvailabilityHits:
    """The WSGI layer (see the module); ``engine``: the app's database."""

    def __init__(self, wsgi_app: Callable, engine: Engine):
        self.wsgi_app = wsgi_app
        self.cache = cache_of_engine(engine)
        self.signal = signal_of_engine(engine)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or not _PATH.match(environ.get("PATH_INFO", ""))
            or "HTTP_IF_NONE_MATCH" in environ
            or environ.get("CONTENT_LENGTH", "") not in ("", "0")  # a body: Flask's rules
            or "HTTP_TRANSFER_ENCODING" in environ
        ):
            return self.wsgi_app(environ, start_response)
        url = ("sent", environ["PATH_INFO"], environ.get("QUERY_STRING", ""))
        sent = self.cache.get(url)
        if sent is not None:
            key, etag, headers = sent
            kept = self.cache.get(key)
            if (
                kept is not None
                and kept.etag == etag
                and kept.quiet is not None
                and kept.valid.holds_at(utc_now().timestamp())
                and signalled_current(self.cache, key, kept, self.signal.quiet(kept.slots))
            ):
                start_response("200 OK", headers)
                return [kept.body]
        return self.wsgi_app(environ, self._noting(url, environ, start_response))

    def _noting(self, url: tuple, environ: dict, start_response: Callable) -> Callable:
        """``start_response`` that remembers a kept answer's headers for ``url``."""

        def noting(status: str, headers: list, exc_info=None):
            key = environ.get(ANSWER_KEY)
            names = {name.lower() for name, _value in headers}
            if status.startswith("200 ") and key is not None and not names & _PERSONAL:
                etag = next(value for name, value in headers if name.lower() == "etag")
                self.cache.put(url, (key, etag, list(headers)))
            return start_response(status, headers, exc_info)

        return noting


def signalled_current(cache, key: Hashable, kept: Any, quiet: Quiet | None) -> bool:
    """Whether the signal's counts ``quiet`` of ``kept``'s slots (the region's, its
    point's, its agency's: ``booking.data.availability.signal_slots``), read just
    now with nothing being written, vouch for the kept answer: they read as when it
    was found current; or the region's count did not move, and each of the point's
    and the agency's that moved was found, at the count it has now, to leave the
    answer's half as it rests on it (:func:`halves_found`): the point's revisions
    over its days, and the agency's revisions over its days or its half's version.
    Then the answer keeps these counts, under ``key``."""
    if quiet is None or kept is None or kept.quiet is None:
        return False
    if quiet == kept.quiet:
        return True
    if kept.agency_half is None or quiet[:_POINT] != kept.quiet[:_POINT]:
        return False  # another file or token, or the region's count moved
    if quiet[_POINT] != kept.quiet[_POINT] and cache.get(
        ("point days found", *kept.point_days)
    ) != (_point_reading(quiet), _point_revisions(kept.stamp)):
        return False
    if quiet[_AGENCY] != kept.quiet[_AGENCY] and not _agency_vouched(cache, kept, quiet):
        return False
    cache.put(key, replace(kept, quiet=quiet))
    return True


def _agency_vouched(cache, kept: Any, quiet: Quiet) -> bool:
    """Whether, at the agency's count in ``quiet``, the agency's revisions over
    ``kept``'s days were found as its stamp has them, or its half with the version
    ``kept`` rests on."""
    half_key, version = kept.agency_half
    reading = _agency_reading(quiet)
    return cache.get(("agency days found", *_agency_days(kept))) == (
        reading,
        _agency_revisions(kept.stamp),
    ) or cache.get(("agency half found", half_key)) == (reading, version)


def halves_found(cache, kept: Any, quiet: Quiet | None) -> None:
    """Note, for other answers resting on them, that at the counts ``quiet`` (read
    before ``kept``'s stamp, nothing being written) the point's and the agency's
    revisions over ``kept``'s days read as its stamp says, and the agency's half
    has the version ``kept`` rests on."""
    if kept.agency_half is None or quiet is None:
        return
    half_key, version = kept.agency_half
    cache.put(("agency half found", half_key), (_agency_reading(quiet), version))
    cache.put(
        ("agency days found", *_agency_days(kept)),
        (_agency_reading(quiet), _agency_revisions(kept.stamp)),
    )
    cache.put(
        ("point days found", *kept.point_days),
        (_point_reading(quiet), _point_revisions(kept.stamp)),
    )


#: Where the point's and the agency's counts stand in a reading of an answer's slots.
_POINT, _AGENCY = -2, -1


def _agency_reading(quiet: Quiet) -> tuple[int, ...]:
    """The signal's file, its token, and the region's and the agency's counts."""
    return (*quiet[:_POINT], quiet[_AGENCY])


def _point_reading(quiet: Quiet) -> tuple[int, ...]:
    """The signal's file, its token, and the region's and the point's counts."""
    return quiet[:_AGENCY]


def _point_revisions(stamp: tuple[int, ...]) -> tuple[int, int]:
    """The point's revision and the sum of its day revisions over the answer's days."""
    return stamp[1], stamp[3]


def _agency_revisions(stamp: tuple[int, ...]) -> tuple[int, int]:
    """The agency's revision and the sum of its day revisions over the answer's days."""
    return stamp[2], stamp[4]


def _agency_days(kept: Any) -> tuple:
    """The answer's agency and the days its times were computed for."""
    return (agency_of_half(kept.agency_half[0]), *kept.point_days[1:])
