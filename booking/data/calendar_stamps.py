"""Stamps: the revisions a cached availability answer rests on, read in one round trip.

An answer for one point, one service and a range of local days rests on the
region's revision, the point's, the service's agency's, and the sums of the
point's and the agency's day revisions over the range (see
``booking.data.calendar_revision`` for what raises which).  The stamp is read
before the data; an answer is served again only while its stamp is unchanged.
A hit outside a transaction reads it on a connection kept for that (autocommit),
so it needs no transaction at all.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from datetime import date, timedelta

from psycopg.pq import ExecStatus
from sqlalchemy import Engine, Select, TextClause, bindparam, literal, or_, select, text
from sqlalchemy.orm import Session

from booking.data.calendar_models import CalendarDayRevision
from booking.data.calendar_rows import Read, calendar_rows
from booking.data.id_lists import among, among_sql
from booking.data.models import Service
from booking.data.per_engine import PerEngine

_DAYS = CalendarDayRevision.__table__
_STAMPS_READ = "booking.calendar_stamps_read"

#: (region, point, agency, the point's days, the agency's days, signal): the revisions an
#: answer for one point, one service and a range of days rests on (the days are sums),
#: and the token of the calendar signal registered then (0: none).
Stamp = tuple[int, int, int, int, int, int]
SIGNAL_TOKEN = 5
#: (scope, UTC date) → revision, of the days a range touches (missing: 0).
DayRevisions = dict[tuple[str, date], int]

#: One round trip: the region's, the point's and the service's agency's revisions, and
#: the sums of the point's and the agency's day revisions from ``since`` to ``until``,
#: and the registered calendar signal's token (``lead`` and ``rows`` empty: of one
#: point; else a row per point of ``rows``).
_STAMP_SQL = (
    "SELECT {lead}(SELECT value FROM calendar_revision WHERE id = 1),"
    " (SELECT value FROM calendar_scope_revision WHERE scope = 'p:' || {point}),"
    " (SELECT r.value FROM calendar_scope_revision AS r JOIN service AS s"
    " ON r.scope = 'a:' || s.agency_id WHERE s.id = {service}),"
    " (SELECT sum(value) FROM calendar_day_revision"
    " WHERE scope = 'p:' || {point} AND day BETWEEN {since} AND {until}),"
    " (SELECT sum(d.value) FROM calendar_day_revision AS d JOIN service AS s"
    " ON d.scope = 'a:' || s.agency_id"
    " WHERE s.id = {service} AND d.day BETWEEN {since} AND {until}),"
    " (SELECT token FROM calendar_signal WHERE id = 1){rows}"
)
_ONE_POINT = {"lead": "", "rows": ""}
_MARKERS = {
    "postgresql": {name: f"%({name})s" for name in ("point", "service", "since", "until")}
    | _ONE_POINT,
    "sqlite": {name: f":{name}" for name in ("point", "service", "since", "until")} | _ONE_POINT,
}


def point_scope(point_id: str) -> str:
    return f"p:{point_id}"


def agency_scope(agency_id: str) -> str:
    return f"a:{agency_id}"


def day_span(first_day: date, last_day: date) -> tuple[date, date]:
    """The UTC dates whose day revisions can touch the local days ``first_day`` to
    ``last_day`` of any zone within a day of UTC."""
    since = first_day - timedelta(days=1) if first_day > date.min else first_day
    until = last_day + timedelta(days=1) if last_day < date.max else last_day
    return since, until


@functools.cache
def _day_revisions(dialect: str) -> Select:
    """The day revisions of some points and of a service's agency over a range of UTC dates."""
    return select(_DAYS.c.scope, _DAYS.c.day, _DAYS.c.value).where(
        or_(
            among(_DAYS.c.scope, "point_scopes", dialect),
            _DAYS.c.scope
            == select(literal("a:") + Service.agency_id)
            .where(Service.id == bindparam("service_id"))
            .scalar_subquery(),
        ),
        _DAYS.c.day.between(bindparam("since"), bindparam("until")),
    )


def day_revisions(
    session: Session, point_id: str, service_id: str, first_day: date, last_day: date
) -> DayRevisions:
    """The day revisions of the point and of the service's agency that can touch the
    local days ``first_day`` to ``last_day``: read before the data they describe."""
    return day_revisions_at_points(session, [point_id], service_id, first_day, last_day)[point_id]


def day_revisions_at_points(
    session: Session, point_ids: list[str], service_id: str, first_day: date, last_day: date
) -> dict[str, DayRevisions]:
    """``day_revisions`` of several points, in one query."""
    scopes = {point_scope(point): point for point in point_ids}
    read = day_revisions_read(
        session.get_bind().dialect.name, point_ids, service_id, first_day, last_day
    )
    rows = calendar_rows(session.connection(), *read)
    found: dict[str, DayRevisions] = {point: {} for point in point_ids}
    agency: DayRevisions = {}
    for scope, day, value in rows:
        if scope in scopes:
            found[scopes[scope]][(scope, day)] = value
        else:
            agency[(scope, day)] = value
    for revisions in found.values():
        revisions.update(agency)
    return found


def day_revisions_read(
    dialect: str, point_ids: list[str], service_id: str, first_day: date, last_day: date
) -> Read:
    """The read ``day_revisions_at_points`` makes."""
    since, until = day_span(first_day, last_day)
    scopes = [point_scope(point) for point in point_ids]
    params = {"point_scopes": scopes, "service_id": service_id, "since": since, "until": until}
    return _day_revisions(dialect), params


def availability_stamp(
    session: Session, point_id: str, service_id: str, first_day: date, last_day: date
) -> Stamp:
    """The revisions an answer for ``point_id``, ``service_id`` and the local days
    ``first_day`` to ``last_day`` rests on, read before any of the data it is computed
    from (so the data is at least that new).

    Before the session has begun a transaction, it is read on a connection of its own
    in autocommit mode (one round trip; a cache hit then needs no transaction at all);
    within one, on the session's connection, remembered for the transaction."""
    if not session.in_transaction():
        return committed_stamp(engine_of(session), point_id, service_id, first_day, last_day)
    transaction = session.get_transaction()
    remembered = session.info.get(_STAMPS_READ)
    if remembered is None or remembered[0] is not transaction:
        remembered = session.info[_STAMPS_READ] = (transaction, {})
    key = (point_id, service_id, first_day, last_day)
    stamp = remembered[1].get(key)
    if stamp is None:
        dialect = session.get_bind().dialect.name
        sql = _STAMP_SQL.format(**_MARKERS.get(dialect, _MARKERS["sqlite"]))
        params = _stamp_params(dialect, point_id, service_id, first_day, last_day)
        row = session.connection().exec_driver_sql(sql, params).one()
        stamp = remembered[1][key] = _as_stamp(row)
    return stamp


@functools.cache
def _stamps(dialect: str) -> TextClause:
    """``_STAMP_SQL`` for several points in one round trip: a row per point, led by its id."""
    points, parameter = among_sql("p.id", "points", dialect)
    return text(
        _STAMP_SQL.format(
            lead="p.id, ",
            point="p.id",
            service=":service",
            since=":since",
            until=":until",
            rows=f" FROM service_point AS p WHERE {points}",
        )
    ).bindparams(parameter)


def availability_stamps(
    session: Session, point_ids: list[str], service_id: str, first_day: date, last_day: date
) -> dict[str, Stamp]:
    """``availability_stamp`` of several points (those that exist), in one query on the
    session's connection (in its transaction), read before any of their data."""
    dialect = session.get_bind().dialect.name
    params = _stamp_params(dialect, point_ids[0], service_id, first_day, last_day)
    params = {**params, "points": list(point_ids)}
    rows = session.connection().execute(_stamps(dialect), params)
    return {row[0]: _as_stamp(row[1:]) for row in rows}


#: The region's, a point's and a service's agency's revisions (missing: NULL).
_REVISIONS = text(
    "SELECT (SELECT value FROM calendar_revision WHERE id = 1),"
    " (SELECT value FROM calendar_scope_revision WHERE scope = :point_scope),"
    " (SELECT r.value FROM calendar_scope_revision AS r JOIN service AS s"
    " ON r.scope = 'a:' || s.agency_id WHERE s.id = :service)"
)


def calendar_revisions(session: Session, point_id: str, service_id: str) -> tuple:
    """The region's, the point's and the service's agency's revisions as the session
    reads them now (not remembered for the transaction, unlike a stamp): all that
    raises them is a change of something other than appointments."""
    params = {"point_scope": point_scope(point_id), "service": service_id}
    return tuple(session.execute(_REVISIONS, params).one())


def committed_stamp(
    engine: Engine, point_id: str, service_id: str, first_day: date, last_day: date
) -> Stamp:
    """The stamp as committed at this moment, read on a connection of the engine's own
    kept for such reads (autocommit).  Data read afterwards in any transaction that
    begins later is at least this new."""
    return _reader_for(engine).read(point_id, service_id, first_day, last_day)


def _stamp_params(
    dialect: str, point_id: str, service_id: str, first_day: date, last_day: date
) -> dict:
    since, until = day_span(first_day, last_day)
    if dialect != "postgresql":  # SQLite keeps dates as ISO text
        since, until = since.isoformat(), until.isoformat()
    return {"point": point_id, "service": service_id, "since": since, "until": until}


def _as_stamp(row) -> Stamp:
    """Six whole numbers, from a driver's row (numbers, or their text as bytes)."""
    return tuple(int(value or 0) for value in row)


def engine_of(session: Session) -> Engine:
    """The engine a session reads through (also when it is bound to a connection)."""
    bind = session.get_bind()
    return getattr(bind, "engine", bind)  # a Connection bind → its Engine


class _StampReader:
    """Reads stamps on one plain database connection per thread, kept open and in
    autocommit mode (each read sees what is committed at that moment), apart from the
    engine's pool.  Remade after a fork or a failed read."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.local = threading.local()
        self.dialect = engine.dialect.name
        self.sql = _STAMP_SQL.format(**_MARKERS.get(self.dialect, _MARKERS["sqlite"]))

    def read(self, point_id: str, service_id: str, first_day: date, last_day: date) -> Stamp:
        params = _stamp_params(self.dialect, point_id, service_id, first_day, last_day)
        try:
            row = self._execute(params)
        except Exception:  # a dropped connection: once more on a new one
            self._forget()
            row = self._execute(params)
        return _as_stamp(row)

    def _execute(self, params: dict) -> tuple:
        connection = self._connection()
        if self.dialect == "postgresql":
            return _prepared_row(connection.pgconn, params)
        cursor = connection.cursor()
        try:
            cursor.execute(self.sql, params)
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
        if self.dialect == "postgresql":
            connection.autocommit = True
            _prepare(connection.pgconn)
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


# On PostgreSQL the stamp is read through the driver's protocol layer (libpq's own
# prepared statement, parameters and results as text): a read is one round trip and
# a few microseconds of Python, where a cursor costs some fifty.
_PREPARED = b"booking_calendar_stamp"
_POSITIONAL_SQL = _STAMP_SQL.format(
    point="$1", service="$2", since="$3::date", until="$4::date", **_ONE_POINT
)


def _prepare(pgconn) -> None:
    _check(pgconn, pgconn.prepare(_PREPARED, _POSITIONAL_SQL.encode()), ExecStatus.COMMAND_OK)


def _prepared_row(pgconn, params: dict) -> tuple:
    values = [str(params[name]).encode() for name in ("point", "service", "since", "until")]
    result = pgconn.exec_prepared(_PREPARED, values)
    _check(pgconn, result, ExecStatus.TUPLES_OK)
    return tuple(result.get_value(0, column) for column in range(result.nfields))


def _check(pgconn, result, expected) -> None:
    if result.status != expected:
        message = (result.error_message or pgconn.error_message or b"").decode(errors="replace")
        raise RuntimeError(f"reading the calendar stamp failed: {message.strip()}")


_readers = PerEngine(_StampReader)


def _reader_for(engine: Engine) -> _StampReader:
    return _readers.of(engine)
