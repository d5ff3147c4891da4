"""Calendar revisions: numbers that rise with every change able to alter availability.

Four kinds, each raised in the same transaction as the change:

- the region's (``calendar_revision``, id 1): services, offerings, experts
  themselves, the short-day rules, and any bulk statement
  (``bump_calendar_revision``);
- a point's (``calendar_scope_revision``, ``p:<id>``): the point itself (its
  details, whether it is in use and shown online), its opening hours, closures
  and rooms;
- an agency's (``a:<id>``): its experts' hours, absences and services;
- a point's or an agency's day (``calendar_day_revision``, the scope and a UTC
  date): the appointments at the point, or with the agency's experts, whose
  time touches that day (a move raises the days of its old and its new time).

Availability of service *s* at point *p* over some days depends on the region,
on *p* (its rooms, its hours), on *s*'s agency (its experts work at every
point), and on the appointments of those days; so an answer is cached with its
:func:`availability_stamp` — the three numbers and the sums of the point's and
the agency's day revisions over the range, read in one query before the data —
and served only while the stamp is unchanged.  A booking at Keuruu with a Kela
expert leaves cached answers of Vero at Joutsa alone, and Kela's answers of
other months too; of a stale month whose first three numbers are unchanged,
only the days whose revisions rose need computing again (:func:`day_revisions`).

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

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, event, func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, History, get_history

from booking.data.calendar_models import (
    CalendarDayRevision,
    CalendarRevision,
    CalendarScopeRevision,
    ShortDaySettings,
)
from booking.data.calendar_signal import REGION_SLOT, scope_slot, signal_of_engine
from booking.data.calendar_stamps import agency_scope, engine_of, point_scope
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

_REVISION = CalendarRevision.__table__
_SCOPES = CalendarScopeRevision.__table__
_DAYS = CalendarDayRevision.__table__
_BUMPED_IN = "booking.calendar_revision_bumped_in"
_SIGNALLED = "booking.calendar_signal_slots"
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


def bump_calendar_revision(session: Session) -> None:
    """Raise the region's revision in the session's transaction (creating the row if
    missing): every cached answer is then stale.  The caller commits."""
    raised = session.execute(
        update(_REVISION).where(_REVISION.c.id == 1).values(value=_REVISION.c.value + 1)
    )
    if raised.rowcount == 0:
        session.execute(_REVISION.insert().values(id=1, value=1))
    session.info[_BUMPED_IN] = session.get_transaction()
    _signal_writing(session, [REGION_SLOT])


def bump_scopes(session: Session, scopes: Iterable[str]) -> None:
    """Raise the revisions of ``scopes`` (``p:…``, ``a:…``), in a fixed order so that
    two transactions raising the same scopes cannot wait for each other in a circle."""
    _raise_rows(session, _SCOPES, [{"scope": scope} for scope in sorted(set(scopes))])


def bump_days(session: Session, scope_days: Iterable[tuple[str, date]]) -> None:
    """Raise the day revisions ``(scope, UTC date)``, in a fixed order (see ``bump_scopes``)."""
    keys = [{"scope": scope, "day": day} for scope, day in sorted(set(scope_days))]
    _raise_rows(session, _DAYS, keys)


def _raise_rows(session: Session, table, keys: list[dict]) -> None:
    """Add one to the ``value`` of each row of ``table`` with these primary keys, in
    the given order (a missing row is made with 1): one call for all of them."""
    if keys:
        session.execute(_raising(session.get_bind().dialect.name, table), keys)
    session.info[_BUMPED_IN] = session.get_transaction()
    _signal_writing(session, [scope_slot(key["scope"]) for key in keys])


def _signal_writing(session: Session, slots: list[int]) -> None:
    """Mark ``slots`` being written for every process, before the commit
    (``booking.data.calendar_signal``); the marks go when the transaction ends."""
    transaction = session.get_transaction()
    signalled = session.info.get(_SIGNALLED)
    if signalled is None or signalled[0] is not transaction:
        writing = signal_of_engine(engine_of(session)).writing(session)
        signalled = session.info[_SIGNALLED] = (transaction, writing)
    signalled[1].add(slots)


@event.listens_for(Session, "before_commit")
def _signal_committing(session: Session) -> None:
    """The last flush first (its revisions too must be marked), then the marks that
    wait for the commit (``Writing.committing``); not for a savepoint's release."""
    if session.get_nested_transaction() is not None:
        return
    session.flush()
    signalled = session.info.get(_SIGNALLED)
    if signalled is not None and signalled[0] is session.get_transaction():
        signalled[1].committing()


@event.listens_for(Session, "after_transaction_end")
def _signal_ended(session: Session, transaction) -> None:
    signalled = session.info.get(_SIGNALLED)
    if signalled is not None and signalled[0] is transaction:
        del session.info[_SIGNALLED]
        signalled[1].close()


def utc_days(starts_at: datetime, ends_at: datetime) -> list[date]:
    """The UTC dates a span ``[starts_at, ends_at)`` touches."""
    first = starts_at.astimezone(UTC).date()
    last = max(first, (ends_at - timedelta(microseconds=1)).astimezone(UTC).date())
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@functools.cache
def _raising(dialect: str, table):
    """The upsert that raises one row of ``table`` (its key bound by column name),
    built once per dialect: every booking runs it under its write locks."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    key = {column.name: bindparam(column.name) for column in table.primary_key}
    return (
        insert(table)
        .values(**key, value=1)
        .on_conflict_do_update(
            index_elements=list(table.primary_key), set_={"value": table.c.value + 1}
        )
    )


def current_calendar_revision(session: Session) -> int:
    """The sum of every revision, as the session sees it: rises with every change that
    can alter availability anywhere; 0 for a fresh database."""
    region = session.execute(select(_REVISION.c.value).where(_REVISION.c.id == 1)).scalar()
    scopes = session.execute(select(func.sum(_SCOPES.c.value))).scalar()
    days = session.execute(select(func.sum(_DAYS.c.value))).scalar()
    return (region or 0) + (scopes or 0) + (days or 0)


def may_use_cache(session: Session) -> bool:
    """False while the session holds changes of its own that others cannot see yet."""
    if session.new or session.deleted or session.dirty:
        return False
    bumped_in = session.info.get(_BUMPED_IN)
    return bumped_in is None or bumped_in is not session.get_transaction()


# --- what a flush changes ---------------------------------------------------------


def _history(obj: object, name: str) -> History:
    """The attribute's history since the last flush, not loading it (as
    ``inspect(obj).attrs[name].history``, without building the state of every
    attribute of the object)."""
    return get_history(obj, name, passive=PASSIVE_NO_INITIALIZE)


def _changed(session: Session, obj: object) -> bool:
    state = inspect(obj)
    # Before the flush, a row marked for deletion is still "persistent" and unmodified.
    if state.pending or state.deleted or not state.persistent or obj in session.deleted:
        return True
    if isinstance(obj, Appointment):
        return any(_history(obj, name).has_changes() for name in _APPOINTMENT_FIELDS)
    return session.is_modified(obj)


def _values(obj: object, name: str) -> set:
    """The attribute's value now and before this flush (both, when it changed)."""
    history = _history(obj, name)
    values = {*history.added, *history.unchanged, *history.deleted}
    if not values:
        values = {getattr(obj, name, None)}
    return {value for value in values if value is not None}


def _agencies_of(session: Session, expert_ids: set[int]) -> dict[int, set[str]]:
    """Each expert's agency now and before this flush."""
    agencies: dict[int, set[str]] = {}
    missing = []
    for expert_id in expert_ids:
        expert = session.identity_map.get(session.identity_key(Expert, expert_id))
        if expert is not None:
            agencies[expert_id] = _values(expert, "agency_id")
        else:
            missing.append(expert_id)
    if missing:
        with session.no_autoflush:
            for expert_id, agency_id in session.execute(_AGENCIES, {"experts": missing}):
                agencies[expert_id] = {agency_id}
    return agencies


#: The table's columns, not the entity's: read in every booking's flush, under its
#: write locks, where the ORM's loading would cost more than the read.
_EXPERTS = Expert.__table__.c
_AGENCIES = select(_EXPERTS.id, _EXPERTS.agency_id).where(
    _EXPERTS.id.in_(bindparam("experts", expanding=True))
)


def _old_and_new(obj: object, name: str) -> tuple:
    """The attribute's value before this flush and now (the same when unchanged)."""
    history = _history(obj, name)
    if history.added:
        new = history.added[0]
    elif history.unchanged:
        new = history.unchanged[0]
    else:
        new = getattr(obj, name, None)
    return (history.deleted[0] if history.deleted else new), new


def _appointment_days(obj: Appointment) -> set[date] | None:
    """The UTC dates an appointment's old and new times touch; None when not known."""
    old_start, new_start = _old_and_new(obj, "starts_at")
    old_end, new_end = _old_and_new(obj, "blocked_until")
    if None in (old_start, new_start, old_end, new_end):
        return None
    return {*utc_days(old_start, old_end), *utc_days(new_start, new_end)}


@dataclass
class FlushScopes:
    """What a flush must raise: the region's revision, point and agency scopes, and
    the days of point and agency scopes its appointments touch."""

    region: bool = False
    scopes: set[str] = field(default_factory=set)
    days: set[tuple[str, date]] = field(default_factory=set)


def scopes_of_flush(session: Session) -> FlushScopes:
    """The revisions to raise for what the session is about to flush."""
    found = FlushScopes()
    points, experts = set(), set()
    day_points: set[tuple[str, date]] = set()
    day_experts: set[tuple[int, date]] = set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        if not isinstance(obj, _CALENDAR_MODELS) or not _changed(session, obj):
            continue
        if isinstance(obj, _REGION_MODELS):
            found.region = True
            continue
        columns = _SCOPE_COLUMNS[type(obj)]
        keys = {kind: _values(obj, name) for name, kind in columns}
        # A key not set yet (given through a relationship): the region's, to be safe.
        if not all(keys.values()):
            found.region = True
            continue
        if isinstance(obj, Appointment):
            days = _appointment_days(obj)
            if days is None:
                found.region = True
                continue
            day_points |= {(point, day) for point in keys["point"] for day in days}
            day_experts |= {(expert, day) for expert in keys["expert"] for day in days}
            continue
        points |= keys.get("point", set())
        experts |= keys.get("expert", set())
    all_experts = experts | {expert for expert, _day in day_experts}
    agencies = _agencies_of(session, all_experts)
    if len(agencies) < len(all_experts):
        found.region = True  # an expert not found: the region's, to be safe
    found.scopes = {point_scope(point) for point in points}
    for expert in experts:
        found.scopes |= {agency_scope(agency) for agency in agencies.get(expert, ())}
    found.days = {(point_scope(point), day) for point, day in day_points}
    for expert, day in day_experts:
        found.days |= {(agency_scope(agency), day) for agency in agencies.get(expert, ())}
    return found


@event.listens_for(Session, "before_flush")
def _bump_on_calendar_change(session: Session, _flush_context, _instances) -> None:
    # Raised on every such flush, not once a transaction: a savepoint rolled back
    # may have taken an earlier raise with it.
    found = scopes_of_flush(session)
    if found.region:
        bump_calendar_revision(session)
    if found.scopes:
        bump_scopes(session, found.scopes)
    if found.days:
        bump_days(session, found.days)
