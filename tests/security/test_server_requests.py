"""Ordinary requests still pass the server's whole-request gate: a body in parts, a chunked
body, and several requests on one kept-alive connection; such a connection is closed after
its hundredth request, so that kept-alive connections spread over the workers again."""

from __future__ import annotations

import socket
import time

import pytest

from booking.server_worker import KEPT_ALIVE_REQUESTS_MAX

pytestmark = pytest.mark.slow

PROMPT = 2.0


def read_answers(connection: socket.socket, count: int, heads: list | None = None) -> list[bytes]:
    """The status lines of ``count`` answers (each with Content-Length); their whole
    heads are added to ``heads`` when given."""
    connection.settimeout(PROMPT * 2)
    data, statuses = b"", []
    while len(statuses) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            chunk = connection.recv(65536)
            assert chunk, f"closed after {len(statuses)} answers"
            data += chunk
            continue
        head = data[:head_end].decode("latin-1")
        length = next(
            int(line.split(":", 1)[1])
            for line in head.split("\r\n")
            if line.lower().startswith("content-length:")
        )
        while len(data) < head_end + 4 + length:
            data += connection.recv(65536)
        statuses.append(head.split("\r\n")[0].encode())
        if heads is not None:
            heads.append(head.lower())
        data = data[head_end + 4 + length :]
    return statuses


def test_a_body_arriving_in_two_parts_is_answered(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        connection.sendall(
            b"POST /api/v1/appointments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b'Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{"point": '
        )
        time.sleep(0.3)  # the client is slow: the rest comes later
        connection.sendall(b'"x"}\r\n')
        started = time.monotonic()
        [status] = read_answers(connection, 1)
    assert status.startswith(b"HTTP/1.1 4")  # refused as incomplete, but answered
    assert time.monotonic() - started < PROMPT


def test_a_chunked_body_is_answered(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        connection.sendall(
            b"POST /api/v1/appointments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"2\r\n{}\r\n0\r\n\r\n"
        )
        [status] = read_answers(connection, 1)
    assert status.startswith(b"HTTP/1.1 4")  # refused as incomplete, but answered


def test_kept_alive_and_pipelined_requests_are_all_answered(live):
    request = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        connection.sendall(request)
        first = read_answers(connection, 1)
        connection.sendall(request * 3)
        rest = read_answers(connection, 3)
    assert first + rest == [b"HTTP/1.1 200 OK"] * 4


def test_a_kept_alive_connection_is_closed_after_its_hundredth_request(live):
    request = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    heads: list[str] = []
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        for _ in range(KEPT_ALIVE_REQUESTS_MAX):
            connection.sendall(request)
            read_answers(connection, 1, heads)
        connection.settimeout(PROMPT * 2)
        after_the_last = connection.recv(1)
    closing = [number for number, head in enumerate(heads, 1) if "connection: close" in head]
    assert closing == [KEPT_ALIVE_REQUESTS_MAX]
    assert after_the_last == b""
