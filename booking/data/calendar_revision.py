"""Calendar revisions: numbers that rise with every change able to alter availability.

Three kinds, each raised in the same transaction as the change:

- the region's (``calendar_revision``, id 1): services, offerings, experts
  themselves, the short-day rules, and any bulk statement
  (``bump_calendar_revision``);
- a point's (``calendar_scope_revision``, ``p:<id>``): the point itself (its
  details, whether it is in use and shown online), its appointments (they take
  its rooms), its opening hours, closures and rooms;
- an agency's (``a:<id>``): appointments with its experts, its experts' hours,
  absences and services.

Availability of service *s* at point *p* depends on the region, on *p* (its
rooms, its hours) and on *s*'s agency (its experts work at every point), so an
answer is cached with its :func:`availability_stamp` — the three numbers, read
in one query before the data — and served only while the stamp is unchanged.
A booking at Keuruu with a Kela expert leaves cached answers of Vero at Joutsa
alone.

Safety nets that keep the promise when a caller forgets: every ORM flush that
adds, removes or changes a row availability depends on raises the revisions it
touches (a ``before_flush`` listener, installed on import); a session that has
written in its current transaction neither reads nor fills the cache
(:func:`may_use_cache`): it may see its own uncommitted rows.  Bulk Core
statements bypass the listener: call ``bump_calendar_revision`` after them.
Marking lapsed holds expired needs no raise: a hold counts as busy only until
its ``expires_at`` (see ``booking.data.availability_cache.HoldSpan``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections.abc import Iterable

from sqlalchemy import Engine, event, func, inspect, select, update
from sqlalchemy.orm import Session

from booking.data.calendar_models import (
    CalendarRevision,
    CalendarScopeRevision,
    ShortDaySettings,
)
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

#: (region, point, agency) revisions an answer for one point and one service rests on.
Stamp = tuple[int, int, int]

_REVISION = CalendarRevision.__table__
_SCOPES = CalendarScopeRevision.__table__
_BUMPED_IN = "booking.calendar_revision_bumped_in"
_STAMPS_READ = "booking.calendar_stamps_read"
#: Changes of these raise the region's revision.
_REGION_MODELS = (Expert, Offering, Service, ShortDaySettings)
#: Changes of these raise their point's revision.
_POINT_MODELS = (Closure, OpeningHours, Room)
#: Changes of these raise their expert's agency's revision.
_EXPERT_MODELS = (ExpertAbsence, ExpertHours, ExpertService)
#: The columns that name the scopes a changed row touches, and which kind each names.
_SCOPE_COLUMNS = {
    Appointment: (("point_id", "point"), ("expert_id", "expert")),
    # An answer for a point reads no other point's row: its own revision is enough.
    ServicePoint: (("id", "point"),),
    **dict.fromkeys(_POINT_MODELS, (("point_id", "point"),)),
    **dict.fromkeys(_EXPERT_MODELS, (("expert_id", "expert"),)),
}
_CALENDAR_MODELS = (*_REGION_MODELS, *_SCOPE_COLUMNS)
_APPOINTMENT_FIELDS = ("status", "starts_at", "ends_at", "blocked_until", "room_id", "expert_id")

#: One round trip: the region's, the point's and the service's agency's revisions.
_STAMP_SQL = (
    "SELECT (SELECT value FROM calendar_revision WHERE id = 1),"
    " (SELECT value FROM calendar_scope_revision WHERE scope = 'p:' || {point}),"
    " (SELECT r.value FROM calendar_scope_revision AS r JOIN service AS s"
    " ON r.scope = 'a:' || s.agency_id WHERE s.id = {service})"
)


def point_scope(point_id: str) -> str:
    return f"p:{point_id}"


def agency_scope(agency_id: str) -> str:
    return f"a:{agency_id}"


def bump_calendar_revision(session: Session) -> None:
    """Raise the region's revision in the session's transaction (creating the row if
    missing): every cached answer is then stale.  The caller commits."""
    raised = session.execute(
        update(_REVISION).where(_REVISION.c.id == 1).values(value=_REVISION.c.value + 1)
    )
    if raised.rowcount == 0:
        session.execute(_REVISION.insert().values(id=1, value=1))
    session.info[_BUMPED_IN] = session.get_transaction()


def bump_scopes(session: Session, scopes: Iterable[str]) -> None:
    """Raise the revisions of ``scopes`` (``p:…``, ``a:…``), in a fixed order so that
    two transactions raising the same scopes cannot wait for each other in a circle."""
    insert = _upsert_for(session)
    for scope in sorted(set(scopes)):
        upsert = insert(_SCOPES).values(scope=scope, value=1)
        session.execute(
            upsert.on_conflict_do_update(
                index_elements=[_SCOPES.c.scope], set_={"value": _SCOPES.c.value + 1}
            )
        )
    session.info[_BUMPED_IN] = session.get_transaction()


def _upsert_for(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def current_calendar_revision(session: Session) -> int:
    """The sum of every revision, as the session sees it: rises with every change that
    can alter availability anywhere; 0 for a fresh database."""
    region = session.execute(select(_REVISION.c.value).where(_REVISION.c.id == 1)).scalar()
    scopes = session.execute(select(func.sum(_SCOPES.c.value))).scalar()
    return (region or 0) + (scopes or 0)


def may_use_cache(session: Session) -> bool:
    """False while the session holds changes of its own that others cannot see yet."""
    if session.new or session.deleted or session.dirty:
        return False
    bumped_in = session.info.get(_BUMPED_IN)
    return bumped_in is None or bumped_in is not session.get_transaction()


def availability_stamp(session: Session, point_id: str, service_id: str) -> Stamp:
    """The revisions an answer for ``point_id`` and ``service_id`` rests on, read before
    any of the data it is computed from (so the data is at least that new).

    Before the session has begun a transaction, it is read on a connection of its own
    in autocommit mode (one round trip; a cache hit then needs no transaction at all);
    within one, on the session's connection, remembered for the transaction."""
    params = {"point": point_id, "service": service_id}
    if not session.in_transaction():
        return committed_stamp(_engine_of(session), point_id, service_id)
    transaction = session.get_transaction()
    remembered = session.info.get(_STAMPS_READ)
    if remembered is None or remembered[0] is not transaction:
        remembered = session.info[_STAMPS_READ] = (transaction, {})
    stamp = remembered[1].get((point_id, service_id))
    if stamp is None:
        sql = _STAMP_SQL.format(point=":point", service=":service")
        row = session.connection().exec_driver_sql(_driver_sql(session, sql), params).one()
        stamp = remembered[1][(point_id, service_id)] = tuple(value or 0 for value in row)
    return stamp


def committed_stamp(engine: Engine, point_id: str, service_id: str) -> Stamp:
    """The stamp as committed at this moment, read on a connection of the engine's own
    kept for such reads (autocommit).  Data read afterwards in any transaction that
    begins later is at least this new."""
    return _reader_for(engine).read(point_id, service_id)


def _driver_sql(session: Session, sql: str) -> str:
    if session.get_bind().dialect.name == "postgresql":
        return sql.replace(":point", "%(point)s").replace(":service", "%(service)s")
    return sql


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)  # a Connection bind → its Engine


class _StampReader:
    """Reads stamps on one plain database connection per thread, kept open and in
    autocommit mode (each read sees what is committed at that moment), apart from the
    engine's pool.  Remade after a fork or a failed read."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.local = threading.local()
        if engine.dialect.name == "postgresql":
            self.sql = _STAMP_SQL.format(point="%s", service="%s")
        else:
            self.sql = _STAMP_SQL.format(point="?", service="?")

    def read(self, point_id: str, service_id: str) -> Stamp:
        try:
            row = self._execute(point_id, service_id)
        except Exception:  # a dropped connection: once more on a new one
            self._forget()
            row = self._execute(point_id, service_id)
        return (row[0] or 0, row[1] or 0, row[2] or 0)

    def _execute(self, point_id: str, service_id: str) -> tuple:
        connection = self._connection()
        cursor = connection.cursor()
        try:
            if self.engine.dialect.name == "postgresql":
                cursor.execute(self.sql, (point_id, service_id), prepare=True)
            else:
                cursor.execute(self.sql, (point_id, service_id))
            return cursor.fetchone()
        finally:
            cursor.close()

    def _connection(self):
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        proxied = self.engine.raw_connection()
        connection = proxied.dbapi_connection
        proxied.detach()  # ours for good: not returned to (or counted by) the pool
        if self.engine.dialect.name == "postgresql":
            connection.autocommit = True
        self.local.held = (os.getpid(), connection)
        return connection

    def _forget(self) -> None:
        held = getattr(self.local, "held", None)
        self.local.held = None
        if held is not None and held[0] == os.getpid():
            with contextlib.suppress(Exception):  # already gone
                held[1].close()

    def __del__(self):
        self._forget()


_readers: weakref.WeakKeyDictionary[Engine, _StampReader] = weakref.WeakKeyDictionary()
_readers_lock = threading.Lock()


def _reader_for(engine: Engine) -> _StampReader:
    reader = _readers.get(engine)
    if reader is None:
        with _readers_lock:
            reader = _readers.get(engine)
            if reader is None:
                reader = _readers[engine] = _StampReader(engine)
    return reader


# --- what a flush changes ---------------------------------------------------------


def _changed(session: Session, obj: object) -> bool:
    state = inspect(obj)
    if state.pending or state.deleted or not state.persistent:
        return True
    if isinstance(obj, Appointment):
        return any(state.attrs[name].history.has_changes() for name in _APPOINTMENT_FIELDS)
    return session.is_modified(obj)


def _values(obj: object, name: str) -> set:
    """The attribute's value now and before this flush (both, when it changed)."""
    history = inspect(obj).attrs[name].history
    values = {*history.added, *history.unchanged, *history.deleted}
    if not values:
        values = {getattr(obj, name, None)}
    return {value for value in values if value is not None}


def _agencies_of(session: Session, expert_ids: set[int]) -> set[str]:
    agencies = set()
    missing = []
    for expert_id in expert_ids:
        expert = session.identity_map.get(session.identity_key(Expert, expert_id))
        if expert is not None:
            agencies |= _values(expert, "agency_id")
        else:
            missing.append(expert_id)
    if missing:
        with session.no_autoflush:
            agencies |= set(session.scalars(select(Expert.agency_id).where(Expert.id.in_(missing))))
    return agencies


def scopes_of_flush(session: Session) -> tuple[bool, set[str]]:
    """(whether the region's revision must rise, the point and agency scopes to raise)
    for what the session is about to flush."""
    region, points, experts = False, set(), set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        if not isinstance(obj, _CALENDAR_MODELS) or not _changed(session, obj):
            continue
        if isinstance(obj, _REGION_MODELS):
            region = True
            continue
        columns = _SCOPE_COLUMNS[type(obj)]
        found = {kind: _values(obj, name) for name, kind in columns}
        # A key not set yet (given through a relationship): the region's, to be safe.
        region = region or not all(found.values())
        points |= found.get("point", set())
        experts |= found.get("expert", set())
    scopes = {point_scope(point) for point in points}
    scopes |= {agency_scope(agency) for agency in _agencies_of(session, experts)}
    return region, scopes


@event.listens_for(Session, "before_flush")
def _bump_on_calendar_change(session: Session, _flush_context, _instances) -> None:
    # Raised on every such flush, not once a transaction: a savepoint rolled back
    # may have taken an earlier raise with it.
    region, scopes = scopes_of_flush(session)
    if region:
        bump_calendar_revision(session)
    if scopes:
        bump_scopes(session, scopes)
