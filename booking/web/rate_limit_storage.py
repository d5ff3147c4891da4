"""A ``limits`` storage over the app's database: rate limits counted once for all workers.

Flask-Limiter keeps its counts in a ``limits`` storage chosen by URI.  Without
``BOOKING_REDIS_URL`` the app uses this one, registered for the schemes
``booking+sqlite``, ``booking+postgresql`` and ``booking+postgresql+psycopg``
(the database URL behind ``booking+``): every gunicorn worker of a machine
counts in the same SQLite file, and every server in the same PostgreSQL
database.  Only the fixed-window strategy (Flask-Limiter's default) is offered.

The storage opens its own small engine on first use, so that an app that
never counts (limits off) opens nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from limits.storage import Storage
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from booking.data import rate_limit_counters
from booking.data.sessions import make_engine, read_only, read_only_context
from booking.engine.clock import utc_now

SCHEME_PREFIX = "booking+"


def storage_uri(database_url: str) -> str:
    """The storage URI that counts in the database at ``database_url``."""
    return SCHEME_PREFIX + database_url


class DatabaseStorage(Storage):
    """Fixed-window counters in the ``rate_limit_counter`` table."""

    STORAGE_SCHEME = [  # noqa: RUF012  (the registry reads the class attribute)
        "booking+sqlite",
        "booking+postgresql",
        "booking+postgresql+psycopg",
    ]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.database_url = (uri or "").removeprefix(SCHEME_PREFIX)
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        with self._engine_lock:
            if self._engine is None:
                self._engine = make_engine(self.database_url)
            return self._engine

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        # On SQLite a write takes the lock at BEGIN, whatever the request's method:
        # a deferred transaction that turns into a write could not wait for it.
        token = read_only_context.set(False)
        try:
            with self.engine.begin() as connection:
                yield connection
        finally:
            read_only_context.reset(token)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with read_only(), self.engine.connect() as connection:
            yield connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._writing() as connection:
            return rate_limit_counters.count_hit(
                connection, key, expiry_seconds=expiry, amount=amount, now=utc_now()
            )

    def get(self, key: str) -> int:
        with self._reading() as connection:
            return rate_limit_counters.current_window(connection, key, now=utc_now())[0]

    def get_expiry(self, key: str) -> float:
        with self._reading() as connection:
            ends_at = rate_limit_counters.current_window(connection, key, now=utc_now())[1]
        return ends_at.timestamp()

    def check(self) -> bool:
        try:
            self.get("")
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._writing() as connection:
            return rate_limit_counters.forget(connection)

    def clear(self, key: str) -> None:
        with self._writing() as connection:
            rate_limit_counters.forget(connection, key)
