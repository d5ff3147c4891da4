"""PostgreSQL: prepared statements that outlive a request that only read.

psycopg prepares a statement on the server once it has run the same SQL a few
times on a connection (``prepare_threshold``), so that PostgreSQL stops planning
it again on every execution; for the calendar's queries planning is about as
long as running them.  But psycopg forgets every prepared statement when its
connection rolls back (a rollback may have undone what they refer to), and a
request's session ends with a rollback, whatever it did: nothing would stay
prepared from one request to the next.

So a transaction that ran nothing but ``SELECT`` statements ends with ``COMMIT``
instead.  For the database the two are the same: such a transaction changed
nothing (its row locks, if it took any, end either way).  Any other statement,
a failed transaction or an unknown state ends with a real rollback, as before.
SQLAlchemy's own events still see a rollback.
"""

from __future__ import annotations

from weakref import WeakSet

from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event


def keep_prepared_statements(engine: Engine) -> None:
    """Make ``engine`` (psycopg) end a transaction that only read with ``COMMIT``."""
    wrote: WeakSet = WeakSet()  # the DBAPI connections whose transaction ran a non-SELECT
    dialect = engine.dialect
    plain_rollback, plain_commit = dialect.do_rollback, dialect.do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip()[:6].upper() != "SELECT":
            wrote.add(connection.connection.dbapi_connection)

    def do_rollback(dbapi_connection) -> None:
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # a pool's proxy
        if raw in wrote or raw.info.transaction_status != TransactionStatus.INTRANS:
            wrote.discard(raw)
            plain_rollback(dbapi_connection)
        else:
            raw.commit()

    def do_commit(dbapi_connection) -> None:
        wrote.discard(getattr(dbapi_connection, "dbapi_connection", dbapi_connection))
        plain_commit(dbapi_connection)

    dialect.do_rollback = do_rollback
    dialect.do_commit = do_commit
