"""The calendar revision and the availability cache that can never serve a stale time.

One row (``calendar_revision``, id 1) holds a number that every change able to
alter availability raises, in the same transaction as the change.  Computed
start times are cached per process and per engine under
``(point, service, first_day, last_day, revision)``: a request reads the
revision first (one cheap query) and then either finds its entry or computes
from data at least that new.  A committed booking, move, cancellation or
calendar edit raises the revision, so no later request can hit an entry made
before it.

Two safety nets keep the promise when a caller forgets:

- every ORM flush that adds, removes or changes a row availability depends on
  (appointments' times, status, room or expert; opening hours, closures, rooms,
  services, offerings, experts, their hours, services and absences, the
  short-day rules) raises the revision by itself (a ``before_flush`` listener,
  installed on import);
- a session that has written in its current transaction neither reads nor
  fills the cache: it may see its own uncommitted rows, which must not be
  cached under a revision number that another transaction may later commit.

Bulk Core statements bypass the listener; call ``bump_calendar_revision`` after
them.  Tests that reset the database must ``clear_availability_cache()``.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from sqlalchemy import Engine, event, inspect, select, update
from sqlalchemy.orm import Session

from booking.data.calendar_models import CalendarRevision, ShortDaySettings
from booking.data.models import (
    Appointment,
    Closure,
    Expert,
    ExpertAbsence,
    ExpertHours,
    ExpertService,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
)

#: Entries kept per engine; one entry is one (point, service, date range).
CACHE_SIZE = 256

_REVISION = CalendarRevision.__table__
_READ_REVISION = select(_REVISION.c.value).where(_REVISION.c.id == 1)
_BUMPED_IN = "booking.calendar_revision_bumped_in"
_CALENDAR_MODELS = (
    Closure,
    Expert,
    ExpertAbsence,
    ExpertHours,
    ExpertService,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
    ShortDaySettings,
)
_APPOINTMENT_FIELDS = ("status", "starts_at", "ends_at", "blocked_until", "room_id", "expert_id")


def bump_calendar_revision(session: Session) -> None:
    """Raise the calendar revision in the session's transaction (creating the row if
    missing).  The caller commits."""
    dialect = session.get_bind().dialect.name
    if dialect in {"postgresql", "sqlite"}:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        upsert = insert(_REVISION).values(id=1, value=1)
        upsert = upsert.on_conflict_do_update(
            index_elements=[_REVISION.c.id], set_={"value": _REVISION.c.value + 1}
        )
        session.execute(upsert)
    else:
        raised = session.execute(
            update(_REVISION).where(_REVISION.c.id == 1).values(value=_REVISION.c.value + 1)
        )
        if raised.rowcount == 0:
            session.execute(_REVISION.insert().values(id=1, value=1))
    session.info[_BUMPED_IN] = session.get_transaction()


def current_calendar_revision(session: Session) -> int:
    """The committed (or, in a writing transaction, the session's own) revision; 0 if none."""
    value = session.connection().execute(_READ_REVISION).scalar()
    return value or 0


def may_use_cache(session: Session) -> bool:
    """False while the session holds changes of its own that others cannot see yet."""
    if session.new or session.deleted or session.dirty:
        return False
    bumped_in = session.info.get(_BUMPED_IN)
    return bumped_in is None or bumped_in is not session.get_transaction()


class AvailabilityCache:
    """A small thread-safe LRU mapping."""

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


_caches: weakref.WeakKeyDictionary[Engine, AvailabilityCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(session: Session) -> AvailabilityCache:
    """The cache of the session's engine (each database has its own revisions)."""
    engine = session.get_bind()
    engine = getattr(engine, "engine", engine)  # a Connection bind → its Engine
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = AvailabilityCache()
        return cache


def clear_availability_cache() -> None:
    """Forget every cached entry (for tests that reset a database behind its back)."""
    with _caches_lock:
        for cache in _caches.values():
            cache.clear()


def _changes_availability(obj: object) -> bool:
    if isinstance(obj, Appointment):
        state = inspect(obj)
        if state.pending or state.deleted or not state.persistent:
            return True
        return any(state.attrs[name].history.has_changes() for name in _APPOINTMENT_FIELDS)
    return isinstance(obj, _CALENDAR_MODELS)


@event.listens_for(Session, "before_flush")
def _bump_on_calendar_change(session: Session, _flush_context, _instances) -> None:
    # Raised on every such flush, not once a transaction: a savepoint rolled back
    # may have taken an earlier raise with it.
    changed = (
        any(_changes_availability(obj) for obj in session.new)
        or any(_changes_availability(obj) for obj in session.deleted)
        or any(_changes_availability(obj) and session.is_modified(obj) for obj in session.dirty)
    )
    if changed:
        bump_calendar_revision(session)
