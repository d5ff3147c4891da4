"""Engines and sessions: one engine per process, one session per request or job.

SQLite runs in WAL mode with a busy timeout.  Write transactions on SQLite
start with ``BEGIN IMMEDIATE`` so that two writers queue for the lock instead
of failing with "database is locked" when a read transaction tries to become
a write transaction.  Requests that only read (GET, HEAD) use a
plain deferred ``BEGIN`` so that readers never wait for writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from booking.data.prepared_statements import keep_prepared_statements
from booking.data.sqlite_writers import QueuedWriterConnection

#: True while the current context only reads; then SQLite uses a deferred BEGIN.
read_only_context: ContextVar[bool] = ContextVar("read_only_context", default=False)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url`` with the per-backend settings this project relies on."""
    if url.startswith("sqlite"):
        connect_args = {"timeout": 30, "factory": QueuedWriterConnection}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    _configure_postgresql(engine)
    return engine


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Our queries are short index range scans.  On a large appointment table
        # PostgreSQL may plan them in parallel, and starting the workers costs more
        # than the sub-millisecond scan they share (seen: 8 ms for <1 ms of work).
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()

    keep_prepared_statements(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, say when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if read_only_context.get():
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection  # a QueuedWriterConnection
        dbapi_connection.wait_for_turn()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.end_turn()
            raise


def begin_reading(session: Session) -> bool:
    """On SQLite, before ``session`` has begun a transaction: begin one that only
    reads (deferred), so that what a writer looks up before it writes does not hold
    the database's one write lock; True if begun.  The writer then calls
    :func:`end_reading`, and its next statement begins the write transaction."""
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return False
    with read_only():
        session.connection()
    return True


def end_reading(session: Session) -> None:
    """End the transaction :func:`begin_reading` began; it must not have written.
    Loaded objects stay loaded (the factory does not expire them on commit)."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a transaction begun to read has changes")
    session.commit()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def read_only() -> Iterator[None]:
    """Mark the enclosed work as read-only (SQLite then begins deferred)."""
    token = read_only_context.set(True)
    try:
        yield
    finally:
        read_only_context.reset(token)
