"""The availability cache: answers kept per database, each with the stamp it rests on.

An entry is served only while the revisions it was computed under
(``booking.data.calendar_stamps.availability_stamp``) are unchanged and only
for the instants its answer reads alike (:class:`HoldSpan`: holds that lapse,
the minimum notice passing a start, the day changing).  One cache per engine
and process, large enough for a region's working set (every offered point ×
service × a few months, in a couple of forms).  Tests that reset a database
behind its back call :func:`clear_availability_cache`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from booking.data.calendar_stamps import engine_of
from booking.data.per_engine import PerEngine

#: Entries kept per engine unless the app says otherwise
#: (``BOOKING_AVAILABILITY_CACHE_ENTRIES``); one entry is one (point, service, date
#: range) in one form.
CACHE_SIZE = 4096


@dataclass(frozen=True)
class HoldSpan:
    """The instants (epoch seconds) for which an answer reads the same: from ``since``
    (included) to ``until`` (excluded); None is open-ended."""

    since: float | None = None
    until: float | None = None

    def holds_at(self, moment: float) -> bool:
        return (self.since is None or moment >= self.since) and (
            self.until is None or moment < self.until
        )

    def within(self, other: HoldSpan) -> HoldSpan:
        """The instants both spans hold for."""
        return HoldSpan(_latest(self.since, other.since), _earliest(self.until, other.until))


def _latest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def _earliest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


class AvailabilityCache:
    """A thread-safe LRU mapping."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_caches = PerEngine(lambda _engine: AvailabilityCache())


def cache_for(session: Session) -> AvailabilityCache:
    """The cache of the session's engine (each database has its own revisions)."""
    return cache_of_engine(engine_of(session))


def cache_of_engine(engine: Engine) -> AvailabilityCache:
    return _caches.of(engine)


def clear_availability_cache() -> None:
    """Forget every cached entry (for tests that reset a database behind its back)."""
    for cache in _caches:
        cache.clear()
