"""Fixtures of the security tests: one live ``booking serve`` for the run, and clocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.live_server import LiveServer, live_server


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[LiveServer]:
    """A real server process (two threaded workers) on a set-up SQLite database."""
    with live_server(tmp_path_factory.mktemp("live"), "--workers", "2") as server:
        yield server


# The staff pages' small world (points A and B, two agencies, five accounts).
from tests.staff.conftest import signed_in, staff_world  # noqa: E402, F401
