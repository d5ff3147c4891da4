"""PostgreSQL: what a cache miss reads for the calendar, on connections of its own.

A range of free times not in the cache is computed from a handful of short reads
(the point's service, the agency's experts' hours, day revisions, appointments).
On the request's own connection each costs more than it needs to:

- PostgreSQL plans them again on every run.  psycopg prepares a statement once it
  has run a few times on a connection, but the server then keeps choosing a fresh
  plan for each set of parameters over the generic one it could reuse: with its
  parameters unknown, a range of ``starts_at`` looks as if it held a two-hundredth
  of the table rather than a month, so the generic plan's cost looks worse, though
  it is the same index scan.  For these reads planning took a quarter to a half of
  the time.  Forcing generic plans for a whole connection would also force them
  on the app's other statements, some of which need a plan made for their values;
- a transaction that only reads adds a ``BEGIN`` and a ``COMMIT`` round trip.

So on PostgreSQL these reads go through a second engine on the same database
whose connections run in autocommit mode with ``plan_cache_mode`` set to
``force_generic_plan``, and which runs nothing else.  Every statement it runs
bounds ``starts_at`` on both sides (``calendar_queries``), so the generic plans
are the index scans the custom ones were; ``tests/test_generic_plans.py`` checks
this for every read of ``appointment`` such a miss makes.

Reading apart from the session's transaction gives the same answer.  PostgreSQL
runs the session at READ COMMITTED, where each statement sees what is committed
when it begins, as an autocommit statement does; the one difference, the
session's own uncommitted changes, does not arise, since a session with changes
to the calendar never uses the cache (``calendar_revision.may_use_cache``).  And
the data is read after the stamp, as it was: at least as new.

SQLite keeps to the session: there a transaction reads one snapshot, which is
what the stamps read in it rest on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from booking.data.calendar_rows import DIRECT, prefetch_scope
from booking.data.calendar_stamps import engine_of
from booking.data.per_engine import PerEngine
from booking.data.sessions import make_engine

T = TypeVar("T")


def read_calendar(session: Session, compute: Callable[[Session], T]) -> T:
    """``compute(reader)``, ``reader`` a session for a cache miss's calendar reads: on
    PostgreSQL one on a connection of the calendar's own engine (autocommit, generic
    plans), else ``session`` itself.  Call it only where ``may_use_cache(session)``
    holds.  Those connections are not pinged when taken from their pool (a round trip
    each time); when the server has dropped one, ``compute`` runs once more on a new
    one (it only reads)."""
    engine = engine_of(session)
    if engine.dialect.name != "postgresql":
        return compute(session)
    twin = _twins.of(engine)
    try:
        return _on_connection_of(twin, compute)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return _on_connection_of(twin, compute)


def _on_connection_of(engine: Engine, compute: Callable[[Session], T]) -> T:
    with engine.connect() as connection, Session(bind=connection) as reader, prefetch_scope():
        return compute(reader)


def _reading_engine(engine: Engine) -> Engine:
    """An engine on ``engine``'s database for calendar reads only, disposed with it."""
    twin = make_engine(
        engine.url.render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=False,
    )

    @event.listens_for(twin, "connect")
    def generic_plans(dbapi_connection, record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
        dbapi_connection.commit()  # before the engine sets autocommit
        record.info[DIRECT] = True

    @event.listens_for(engine, "engine_disposed")
    def disposed(_engine):
        twin.dispose()

    return twin


_twins = PerEngine(_reading_engine)
