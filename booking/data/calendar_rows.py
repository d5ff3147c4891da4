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

Anywhere else (SQLite, or the request's own connection) rows come through
SQLAlchemy as before.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import Compiled

#: Key, in a pool record's ``info``, of a connection whose calendar reads go straight
#: through the driver.
DIRECT = "calendar rows direct"


def calendar_rows(connection: Connection, statement: Executable, params: dict) -> list[tuple]:
    """The rows of ``statement`` with ``params`` (its bound parameters the caller
    names; the statement's own literals it keeps) on ``connection``."""
    if not connection.info.get(DIRECT):
        return list(connection.execute(statement, params).all())
    sql, own = _rendered(statement, connection.dialect, frozenset(params))
    values = {**own, **params}
    dbapi_connection = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    dispatch = connection.dispatch  # its listeners see the statement as SQLAlchemy's would
    try:
        for listener in dispatch.before_cursor_execute:
            listener(connection, cursor, sql, values, None, False)
        cursor.execute(sql, values, prepare=True)
        for listener in dispatch.after_cursor_execute:
            listener(connection, cursor, sql, values, None, False)
        return cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error as error:
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
