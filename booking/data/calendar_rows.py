"""The rows of a calendar read, on the calendar's own PostgreSQL connections straight
through the driver.

A cache miss reads six short statements (``calendar_reads``).  Through
SQLAlchemy, each execution costs some tenths of a millisecond of Python before and
after the round trip: its compiled cache is looked up, its parameters and result
columns processed, a result object built around the cursor.  These statements
need none of that: they are built once per dialect (``calendar_queries``), bind
plain values, and their rows are unpacked as tuples.  So on a connection of the
calendar's engine (marked ``DIRECT`` in its pool record when it connects), the
statement's SQL is rendered once and then run on a psycopg cursor, prepared, its
rows fetched as tuples (the engine's ``before_cursor_execute`` and
``after_cursor_execute`` listeners still see it, without an execution context):
measured on a national month, the busy spans' read took
0.25-0.31 ms of CPU against 0.56-0.62 ms through SQLAlchemy.

What the results lose is the type processing SQLAlchemy adds on top of the driver:
none that these statements' columns have on PostgreSQL, but one: ``UTCDateTime``
turns an instant into UTC, and psycopg gives it in the connection's time zone.  The
one such column read here (a hold's ``expires``) is only compared with ``now`` and
turned into a timestamp, which the zone does not change.

A cache miss's first reads do not depend on one another (the region's short days,
the point's service and calendar, the agency's experts' weeks, day revisions), so
there they go to the server together, in one psycopg pipeline (``prefetch``): one
round trip rather than five (measured: 0.79-0.92 ms against 1.19-1.44 ms for the
five).  Their rows are kept for the ``calendar_rows`` calls that ask for the same
statement with the same parameters, only within one ``read_calendar``
(``prefetch_scope``): never served to a later one.

Anywhere else (SQLite, or the request's own connection) rows come through
SQLAlchemy as before, one statement at a time, and ``prefetch`` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from functools import lru_cache

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import Compiled

#: Key, in a pool record's ``info``, of a connection whose calendar reads go straight
#: through the driver.
DIRECT = "calendar rows direct"

#: A statement and the values of the bound parameters its caller names.
Read = tuple[Executable, dict]

#: The rows read ahead in the current ``prefetch_scope``, by statement and parameters.
_prefetched: ContextVar[dict | None] = ContextVar("calendar rows read ahead", default=None)


def calendar_rows(connection: Connection, statement: Executable, params: dict) -> Sequence[tuple]:
    """The rows of ``statement`` with ``params`` (its bound parameters the caller
    names; the statement's own literals it keeps) on ``connection``: read ahead by
    ``prefetch`` in this scope, or read now."""
    if not direct(connection):
        return connection.execute(statement, params).all()
    kept = _prefetched.get()
    if kept:
        rows = kept.pop(_key(statement, params), None)
        if rows is not None:
            return rows
    return _read_together(connection, [(statement, params)])[0]


def direct(connection: Connection) -> bool:
    """Whether calendar reads on ``connection`` go straight through the driver."""
    return bool(connection.info.get(DIRECT))


@contextmanager
def prefetch_scope() -> Iterator[None]:
    """Rows ``prefetch`` reads within are served only within."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def prefetch(connection: Connection, reads: Callable[[], Iterable[Read]]) -> None:
    """On a connection whose calendar reads go straight through the driver, within a
    ``prefetch_scope``: run the ``reads()`` (independent of one another) in one
    round trip, their rows kept for ``calendar_rows``.  Elsewhere nothing."""
    kept = _prefetched.get()
    if kept is None or not direct(connection):
        return
    wanted = list(reads())
    if len(wanted) > 1:
        rows = _read_together(connection, wanted)
        kept.update((_key(*read), found) for read, found in zip(wanted, rows, strict=True))


def _key(statement: Executable, params: dict) -> tuple:
    values = sorted(
        (name, tuple(value) if isinstance(value, list) else value) for name, value in params.items()
    )
    return statement, tuple(values)


def _read_together(connection: Connection, reads: list[Read]) -> list[list[tuple]]:
    """The rows of each of ``reads``, run on ``connection``'s driver connection, all
    in one pipeline when there are several; the engine's cursor listeners see each
    statement (without an execution context)."""
    dbapi_connection = connection.connection.dbapi_connection
    dispatch = connection.dispatch
    cursors, sql, values = [], "", {}
    try:
        with dbapi_connection.pipeline() if len(reads) > 1 else nullcontext():
            for statement, params in reads:
                sql, own = _rendered(statement, connection.dialect, frozenset(params))
                values = {**own, **params}
                cursor = dbapi_connection.cursor()
                cursors.append(cursor)
                dispatch.before_cursor_execute(connection, cursor, sql, values, None, False)
                cursor.execute(sql, values, prepare=True)
                dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
        return [cursor.fetchall() for cursor in cursors]
    except connection.dialect.loaded_dbapi.Error as error:
        cursor = cursors[-1] if cursors else None
        dropped = connection.dialect.is_disconnect(error, dbapi_connection, cursor)
        if dropped:
            connection.invalidate(error)
        raise DBAPIError.instance(
            sql,
            values,
            error,
            connection.dialect.loaded_dbapi.Error,
            connection_invalidated=dropped,
            dialect=connection.dialect,
        ) from error
    finally:
        for cursor in cursors:
            cursor.close()


@lru_cache(maxsize=64)
def _rendered(statement: Executable, dialect: Dialect, named: frozenset[str]) -> tuple[str, dict]:
    """The SQL of ``statement`` for ``dialect``'s driver and the values of its own
    literals (every bound parameter but those ``named``; an ``IN`` of constants
    rendered out)."""
    compiled: Compiled = statement.compile(dialect=dialect)
    # Only the callers' names matter to the SQL: on PostgreSQL a list is bound as one
    # array, never expanded.
    expanded = compiled.construct_expanded_state(dict.fromkeys(named))
    own = {name: value for name, value in expanded.parameters.items() if name not in named}
    return expanded.statement, own
