"""Fixtures of the security tests: one live ``booking serve`` per backend for the run,
and clocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from tests.conftest import POSTGRES_ENV, postgres_server_url
from tests.security.live_server import LiveServer, live_server


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory) -> Iterator[LiveServer]:
    """A real server process (two workers) on a set-up database of its own: a SQLite
    file, and a scratch PostgreSQL database where ``BOOKING_TEST_POSTGRES_URL`` is set."""
    folder = tmp_path_factory.mktemp("live")
    if request.param == "sqlite":
        with live_server(folder, "--workers", "2") as server:
            yield server
        return
    server_url = postgres_server_url()
    if not server_url:
        pytest.skip(f"{POSTGRES_ENV} not set")
    url = create_scratch_database(server_url, "booking_live")
    try:
        with live_server(folder, "--workers", "2", database_url=url) as server:
            yield server
    finally:
        drop_scratch_database(server_url, url)


# The staff pages' small world (points A and B, two agencies, five accounts).
from tests.staff.conftest import signed_in, staff_world  # noqa: E402, F401
