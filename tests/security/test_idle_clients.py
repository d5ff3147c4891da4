"""``booking serve`` keeps answering while clients do not read their answers, do not
close their connections after the last one, start a body too large to wait for
and send no more of it, or open more connections than the server has files for.

A real server of one worker with one thread, so that a thread held by such a
client would leave every other visitor without an answer.  The API's description
(about 20 kB) is larger than what a connection whose client reads nothing takes
at once (a small receive buffer on the client's side), and a client may send
many requests before it reads any answer (pipelining).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from booking.server_answers import ANSWER_WRITE_SECONDS, LINGER_SECONDS
from booking.server_worker import BUFFERED_BODY_MAX
from tests.security.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow

PROMPT = 2.0
#: How long a test waits for a line the server will write (a bound, not a claim of speed).
LOG_LINE_WAIT = 15.0
BIG = "/api/v1/openapi.json"
NON_READERS = 16
#: gunicorn's connections a worker (its ``worker_connections``).
WORKER_CONNECTIONS = 1000
#: Open files the server may hold in the last test: fewer than gunicorn's 1,000 connections.
OPEN_FILES = 200
#: Where a flood of idle connections comes from (loopback: any 127.x address is this machine).
FLOOD_ADDRESS = "127.0.0.2"
SLOW_VISITORS = 5


@pytest.fixture(scope="module")
def one_thread(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("one-thread")
    with live_server(folder, "--workers", "1", "--threads", "1") as server:
        yield server


def request(path: str, *, close: bool = False) -> bytes:
    connection = "Connection: close\r\n" if close else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{connection}\r\n".encode()


def non_reader(port: int, requests: bytes) -> socket.socket:
    """A connection that sends ``requests`` and then reads nothing."""
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    connection.connect(("127.0.0.1", port))
    connection.sendall(requests)
    return connection


def timed_health(server: LiveServer) -> tuple[int, float]:
    started = time.monotonic()
    try:
        status, _answer = server.get("/api/v1/health", timeout=PROMPT * 3)
    except TimeoutError:
        status = 0
    return status, time.monotonic() - started


def read_all(connection: socket.socket, timeout: float) -> bytes:
    """Everything the server sends until it closes the connection."""
    connection.settimeout(timeout)
    data = b""
    while chunk := connection.recv(512):
        data += chunk
    return data


def wait_for_log_line(server: LiveServer, line: str, within: float) -> None:
    """Return once the server's log holds ``line``; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while line not in server.log.read_text():
        assert time.monotonic() < deadline, server.log.read_text()[-2000:]
        time.sleep(0.1)  # polling the server's log for the line it writes


def test_clients_that_do_not_read_their_answers_hold_no_thread_and_are_let_go(one_thread):
    with ExitStack() as stack:
        for _ in range(NON_READERS):
            stack.enter_context(non_reader(one_thread.port, request(BIG) * 100))
        answers = [timed_health(one_thread) for _ in range(5)]
        # A connection whose client takes nothing for ANSWER_WRITE_SECONDS is closed.
        # Those seconds run from when the connection's buffers are full, and the one
        # thread fills sixteen connections' in turn (about 1.6 MB each, some seventy
        # answers): on this machine the first is let go 10-12 s after the last health
        # check, on a busy one later.
        wait_for_log_line(one_thread, "answer not read", ANSWER_WRITE_SECONDS * 3)
    assert [status for status, _took in answers] == [200] * 5
    assert max(took for _status, took in answers) < PROMPT, answers


def test_a_client_that_reads_slowly_gets_its_whole_answer_and_keeps_its_connection(one_thread):
    _status, whole = one_thread.get(BIG)
    body = whole.split(b"\r\n\r\n", 1)[1]
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        connection.connect(("127.0.0.1", one_thread.port))
        connection.sendall(request(BIG))
        first = b""
        connection.settimeout(PROMPT)
        while not first.endswith(body):
            chunk = connection.recv(256)  # a little at a time, as a slow line gives it
            assert chunk, "closed before the whole answer"
            first += chunk
        connection.sendall(request("/api/v1/health", close=True))
        second = read_all(connection, PROMPT)
    assert first.startswith(b"HTTP/1.1 200 ")
    assert second.startswith(b"HTTP/1.1 200 ")


def test_clients_that_keep_their_connection_open_after_the_last_answer_hold_nothing(
    one_thread,
):
    with ExitStack() as stack:
        lingering = [
            stack.enter_context(non_reader(one_thread.port, request("/api/v1/health", close=True)))
            for _ in range(10)
        ]
        answers = [timed_health(one_thread) for _ in range(5)]
        # Each got its whole answer and then the server's end of the connection.
        ends = [read_all(connection, LINGER_SECONDS + PROMPT) for connection in lingering]
    assert [status for status, _took in answers] == [200] * 5
    assert max(took for _status, took in answers) < PROMPT, answers
    assert all(end.startswith(b"HTTP/1.1 200 ") for end in ends)


def large_body_started(port: int, framing: str) -> socket.socket:
    """A connection that sends a request whose body is over what the server waits for,
    and then only part of that body."""
    head = "POST /api/v1/appointments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if framing == "declared":
        head += "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
        body = b" " * 100
    else:
        head += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        body = b"100000\r\n" + b" " * (BUFFERED_BODY_MAX + 100)
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(head.encode() + body)
    return connection


def test_clients_that_start_a_large_body_and_stop_hold_no_thread(one_thread):
    with ExitStack() as stack:
        started = [
            (framing, stack.enter_context(large_body_started(one_thread.port, framing)))
            for framing in ("declared", "chunked") * 8
        ]
        answers = [timed_health(one_thread) for _ in range(5)]
        declared = [read_all(c, LINGER_SECONDS + PROMPT) for f, c in started if f == "declared"]
    assert [status for status, _took in answers] == [200] * 5
    assert max(took for _status, took in answers) < PROMPT, answers
    # The app's own refusal (413, in the client's language), then the connection closes.
    assert all(answer.startswith(b"HTTP/1.1 413 ") for answer in declared), declared[:1]


def test_more_connections_than_open_files_leave_the_worker_serving(tmp_path):
    with live_server(tmp_path, "--workers", "1", open_files=OPEN_FILES) as server:
        with ExitStack() as stack:
            idle = [
                stack.enter_context(socket.create_connection(("127.0.0.1", server.port)))
                for _ in range(OPEN_FILES + 50)
            ]
            # The worker cannot take them all; it stops taking more, and lives on.
            wait_for_log_line(server, "no file descriptor left", LOG_LINE_WAIT)
            for connection in idle[:100]:
                connection.close()
            answers = [timed_health(server) for _ in range(5)]
        log = server.log.read_text()
    assert [status for status, _took in answers] == [200] * 5
    assert max(took for _status, took in answers) < PROMPT, answers
    assert "exited with code" not in log and "Booting worker" in log
    assert log.count("Booting worker") == 1, "a worker was started again"


def test_a_worker_full_of_idle_connections_makes_room_for_new_ones(tmp_path):
    with live_server(tmp_path, "--workers", "1") as server:
        with ExitStack() as stack:
            for _ in range(WORKER_CONNECTIONS + 100):
                stack.enter_context(socket.create_connection(("127.0.0.1", server.port)))
            answers = [timed_health(server) for _ in range(5)]
        log = server.log.read_text()
    assert [status for status, _took in answers] == [200] * 5
    assert max(took for _status, took in answers) < PROMPT, answers
    assert "idle connections to make room" in log


def status_of_answer(connection: socket.socket) -> int:
    """The status of the answer on ``connection``; 0 when it was closed without one."""
    connection.settimeout(PROMPT * 3)
    try:
        head = connection.recv(64)
    except OSError:
        return 0
    return int(head.split()[1]) if head.startswith(b"HTTP/1.1 ") else 0


def test_making_room_closes_the_flood_before_a_slow_visitor(tmp_path):
    """A visitor on a slow line has sent half of his request when someone floods the
    worker with idle connections from another address: the worker makes room by
    closing the flood's connections, and the visitor's request is answered."""
    half_request = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    with live_server(tmp_path, "--workers", "1") as server:
        with ExitStack() as stack:
            visitors = [
                stack.enter_context(socket.create_connection(("127.0.0.1", server.port)))
                for _ in range(SLOW_VISITORS)
            ]
            for visitor in visitors:
                visitor.sendall(half_request)
            for _ in range(WORKER_CONNECTIONS + 100):
                stack.enter_context(
                    socket.create_connection(
                        ("127.0.0.1", server.port), source_address=(FLOOD_ADDRESS, 0)
                    )
                )
            # Answered after the worker has taken the flood's connections before it.
            assert timed_health(server)[0] == 200
            assert "idle connections to make room" in server.log.read_text()
            for visitor in visitors:
                visitor.sendall(b"\r\n")
            statuses = [status_of_answer(visitor) for visitor in visitors]
        log = server.log.read_text()
    assert statuses == [200] * SLOW_VISITORS
    assert f"of them from {FLOOD_ADDRESS}" in log
