"""A limit of N is N in all, however many workers answer: ``booking serve --workers 2``.

Real processes and sockets.  Bookings are posted at once from many
connections (each an empty JSON body, which the API refuses with 422 after
counting it) until the access log shows both workers answered some; then
exactly N of all the posts got past the limit and the rest were 429 — on a
SQLite file and on PostgreSQL, with no Redis.
"""

from __future__ import annotations

import re
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from tests.conftest import postgres_server_url
from tests.security.live_server import live_server

pytestmark = pytest.mark.slow

LIMIT = 6
AT_ONCE = 12  # posts sent together in one round
ROUNDS = 6  # at most, until both workers have answered
POST = (
    "POST /api/v1/appointments HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
)


def post_booking(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(POST.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def workers_that_answered(log: str) -> set[str]:
    return set(re.findall(r"^<(\d+)> \S+ \"POST /api/v1/appointments\"", log, re.MULTILINE))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    server_url = postgres_server_url()
    if not server_url:
        pytest.skip("BOOKING_TEST_POSTGRES_URL not set")
    url = create_scratch_database(server_url, "booking_live")
    yield url
    drop_scratch_database(server_url, url)


def test_a_limit_holds_in_total_across_two_workers(tmp_path, database_url):
    settings = {"BOOKING_RATELIMIT_BOOKING": f"{LIMIT} per minute"}
    with (
        live_server(
            tmp_path, "--workers", "2", database_url=database_url, settings=settings
        ) as server,
        ThreadPoolExecutor(AT_ONCE) as pool,
    ):
        statuses: list[int] = []
        for _round in range(ROUNDS):
            statuses += pool.map(lambda _n: post_booking(server.port), range(AT_ONCE))
            if len(workers_that_answered(server.log.read_text())) == 2:
                break
        answered_by = workers_that_answered(server.log.read_text())
    assert len(answered_by) == 2, "one worker answered every post: nothing was shown"
    assert sorted(set(statuses)) == [422, 429]
    assert statuses.count(422) == LIMIT, statuses
