"""Servers count rate limits together: through Redis when BOOKING_REDIS_URL is set,
else through the database they share."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from sqlalchemy import text

from booking.app import create_app
from booking.web.extensions import limiter
from booking.web.rate_limit_storage import DatabaseStorage, storage_uri
from scheduler.app import build_runtime
from tests.conftest import test_settings as settings_for

#: A database of its own on the local Redis, emptied before each test.
REDIS_URL = os.environ.get("BOOKING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SIGN_IN_LIMIT = 10  # sign-in posts a minute per address


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url():
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


def server(database_url: str, storage: str, key_prefix: str = ""):
    """One server's app (the limiter is re-initialised with a fresh storage each time).

    ``key_prefix`` keeps the counts of one test apart from another's running at
    the same time against the same Redis."""
    # The one Limiter keeps the first app's prefix unless told to read it again.
    limiter._key_prefix = key_prefix
    return create_app(
        settings_for(
            database_url,
            RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_ENABLED=True,
            BOOKING_REDIS_URL=storage if storage.startswith("redis") else "",
            RATELIMIT_STORAGE_URI=storage,
            RATELIMIT_KEY_PREFIX=key_prefix,
        )
    )


def sign_in_attempts(app, count: int) -> list[int]:
    client = app.test_client()
    return [
        client.post(
            "/staff/sign-in", data={"email": f"guess{n}@x.example", "password": "arvaus"}
        ).status_code
        for n in range(count)
    ]


@pytest.fixture
def limits_restored():
    yield
    limiter.enabled = False  # as every other test app has it


def test_a_second_server_sees_the_first_ones_attempts_through_redis(
    database_url, clean_database, redis_url, limits_restored
):
    prefix = f"test-{uuid.uuid4().hex}"
    first = server(database_url, redis_url, prefix)
    assert sign_in_attempts(first, SIGN_IN_LIMIT) == [200] * SIGN_IN_LIMIT
    second = server(database_url, redis_url, prefix)
    assert sign_in_attempts(second, 1) == [429]
    for app in (first, second):
        app.extensions["booking.engine"].dispose()


def test_without_redis_servers_on_one_database_count_together(
    database_url, clean_database, limits_restored
):
    first = server(database_url, storage_uri(database_url))
    assert sign_in_attempts(first, SIGN_IN_LIMIT) == [200] * SIGN_IN_LIMIT
    second = server(database_url, storage_uri(database_url))
    assert sign_in_attempts(second, 1) == [429]
    for app in (first, second):
        app.extensions["booking.engine"].dispose()


def test_the_database_is_the_default_storage_without_redis(database_url, clean_database):
    app = create_app(settings_for(database_url))
    assert app.config["RATELIMIT_STORAGE_URI"] == storage_uri(database_url)
    app.extensions["booking.engine"].dispose()


def test_a_window_counts_afresh_once_it_has_ended(database_url, clean_database, clock):
    storage = DatabaseStorage(storage_uri(database_url))
    assert [storage.incr("sign-in/192.0.2.1", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("sign-in/192.0.2.1") == 3
    assert storage.get_expiry("sign-in/192.0.2.1") == clock.now.timestamp() + 60
    clock.move(seconds=59)
    assert storage.incr("sign-in/192.0.2.1", 60) == 4
    clock.move(seconds=1)
    assert storage.get("sign-in/192.0.2.1") == 0
    assert storage.incr("sign-in/192.0.2.1", 60) == 1
    assert storage.get("another/192.0.2.1") == 0
    storage.engine.dispose()


def test_counts_keep_no_client_address(database_url, clean_database, clock):
    storage = DatabaseStorage(storage_uri(database_url))
    storage.incr("LIMITER/192.0.2.1/sign-in/10/1/minute", 60)
    with clean_database.connect() as connection:
        rows = connection.execute(text("SELECT * FROM rate_limit_counter")).all()
    assert len(rows) == 1
    assert "192.0.2.1" not in str(rows)
    storage.engine.dispose()


def test_the_scheduler_deletes_ended_windows(database_url, clean_database, clock):
    storage = DatabaseStorage(storage_uri(database_url))
    storage.incr("short", 60)
    storage.incr("long", 3600)
    clock.move(minutes=2)
    runtime = build_runtime(settings_for(database_url))
    assert runtime.forget_ended_rate_limits() == 1
    assert storage.get("long") == 1
    assert runtime.forget_ended_rate_limits() == 0
    runtime.engine.dispose()
    storage.engine.dispose()
