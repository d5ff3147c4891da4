"""Shared fixtures: the app on SQLite and on PostgreSQL, sessions, factories, the clock.

Every test that asks for ``database_url`` (directly or through ``app``,
``client``, ``session`` or ``factory``) runs once on SQLite and once on
PostgreSQL.  PostgreSQL runs where ``BOOKING_TEST_POSTGRES_URL`` points at a
server (CI sets it); each run creates its own database and drops it after.

A test that asks for ``clock`` stops time at ``tests.factories.NOW`` for the
whole process: every module and thread (the live server's too) that reads
``booking.engine.clock.utc_now`` sees the same instant until the test moves it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from booking.app import create_app
from booking.data.availability_cache import clear_availability_cache
from booking.data.base import Base
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.data.signal_registration import register_signal
from booking.engine.clock import require_aware, utc_now
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from tests.factories import NOW, Factory

POSTGRES_ENV = "BOOKING_TEST_POSTGRES_URL"
TEST_SECRET_KEY = "test-secret-key-long-enough-for-the-32-byte-rule"


def postgres_server_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url and os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_ENV} must be set in CI: PostgreSQL tests may not be skipped")
    return url


class StoppedClock:
    """Time standing still; ``set`` and ``move`` jump it, nothing else changes it."""

    def __init__(self, traveller: time_machine.Traveller) -> None:
        self._traveller = traveller

    @property
    def now(self) -> datetime:
        return utc_now()

    def __call__(self) -> datetime:
        return utc_now()

    def set(self, moment: datetime) -> datetime:
        # Given in UTC, so that time-machine keeps TZ=UTC for the process
        # rather than switching it to the zone of whatever instant a test names.
        self._traveller.move_to(require_aware(moment))
        return self.now

    def move(self, **delta: float) -> datetime:
        self._traveller.shift(timedelta(**delta))
        return self.now


@pytest.fixture
def clock() -> Iterator[StoppedClock]:
    """Time stopped at ``NOW`` (Monday 2.3.2026 10:00 Helsinki) for the whole process.

    ``datetime.now`` (and ``time.time``) read it in every module and thread;
    ``time.monotonic``, sleeps and timeouts keep real time. Subprocesses do not
    see it: a test that starts one passes it the instant to use. A staff
    session ends after 30 minutes idle and signed cookies carry the time they were
    made, so a jump of over 30 minutes forward, or any jump back, signs a staff
    member out: sign in after the jump.
    """
    with time_machine.travel(NOW, tick=False) as traveller:
        yield StoppedClock(traveller)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database of each backend, shared by the tests of a run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'booking.sqlite3'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        engine.dispose()
        yield url
        return
    server_url = postgres_server_url()
    if not server_url:
        pytest.skip(f"{POSTGRES_ENV} not set")
    url = create_scratch_database(server_url, "booking_test")
    engine = make_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    yield url
    drop_scratch_database(server_url, url)


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def empty_all_tables(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("INSERT INTO calendar_revision (id, value) VALUES (1, 0)"))
        connection.execute(text("INSERT INTO calendar_signal (id) VALUES (1)"))  # as migrated


@pytest.fixture
def clean_database(engine) -> Iterator[Engine]:
    """The shared database, emptied after the test (and its cached free times forgotten)."""
    yield engine
    empty_all_tables(engine)
    # The emptied database starts its calendar revision again from 0.
    clear_availability_cache()


@pytest.fixture
def session(clean_database) -> Iterator[Session]:
    """A session for calling use cases directly; the test commits when it means to."""
    session = make_session_factory(clean_database)()
    yield session
    session.close()


@pytest.fixture
def factory(session) -> Factory:
    return Factory(session)


@pytest.fixture
def shared_signal(clean_database, tmp_path) -> None:
    """The calendar signal shared by every process using the database: beside it on
    SQLite, and on PostgreSQL registered in a file of the test's own."""
    if clean_database.dialect.name == "postgresql":
        with make_session_factory(clean_database)() as session:
            register_signal(session, str(tmp_path / "calendar-signal"))


def test_settings(database_url: str, **overrides: object) -> dict[str, object]:
    settings: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "BOOKING_SECRET_KEY": TEST_SECRET_KEY,
        "BOOKING_DATABASE_URL": database_url,
        "BOOKING_BASE_URL": "http://booking.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BOOKING_RATELIMIT_ENABLED": False,
        "SERVER_NAME": "booking.test",
        # Tests of booking itself book at once; tests/security/ and the browser
        # journeys turn the phone check on.
        "BOOKING_VERIFY_PHONE": False,
    }
    settings.update(overrides)
    return settings


@pytest.fixture
def app(database_url, clean_database):
    app = create_app(test_settings(database_url))
    yield app
    app.extensions["booking.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()
