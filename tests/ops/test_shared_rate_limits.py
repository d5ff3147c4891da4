"""With BOOKING_REDIS_URL set, servers share their rate-limit counts through Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from booking.app import create_app
from booking.web.extensions import limiter
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


def test_without_redis_each_server_counts_alone(database_url, clean_database, limits_restored):
    first = server(database_url, "memory://")
    assert sign_in_attempts(first, SIGN_IN_LIMIT) == [200] * SIGN_IN_LIMIT
    second = server(database_url, "memory://")
    assert sign_in_attempts(second, 1) == [200]
    for app in (first, second):
        app.extensions["booking.engine"].dispose()
