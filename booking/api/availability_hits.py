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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from sqlalchemy import Engine

from booking.data.availability_cache import cache_of_engine
from booking.data.calendar_signal import signal_of_engine
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
                and self.signal.quiet(kept.slots) == kept.quiet
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
