"""Bodies over 64 KiB get 413 without being read, and request heads are limited."""

from __future__ import annotations

import socket
import time

import pytest

from booking.server_worker import HEAD_MAX

BIG = 10 * 1024 * 1024
PROMPT = 2.0


def first_line_of_answer(connection: socket.socket, timeout: float) -> tuple[bytes, float]:
    started = time.monotonic()
    connection.settimeout(timeout)
    answer = b""
    while b"\r\n" not in answer:
        chunk = connection.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer.split(b"\r\n")[0], time.monotonic() - started


@pytest.mark.slow
def test_a_large_body_gets_413_before_it_is_sent(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        connection.sendall(
            b"POST /staff/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n" % BIG + b"email=" + b"a" * 1000
        )
        status, took = first_line_of_answer(connection, timeout=PROMPT * 2)
    assert status.startswith(b"HTTP/1.1 413 ")
    assert took < PROMPT


@pytest.mark.slow
def test_a_huge_request_head_is_refused(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        connection.sendall(b"X-Padding: " + b"x" * (HEAD_MAX + 1024) + b"\r\n\r\n")
        status, _took = first_line_of_answer(connection, timeout=PROMPT * 2)
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large"


def test_large_json_gets_413_in_json(client):
    answer = client.post("/api/v1/appointments", json={"needs": "x" * 70_000})
    assert answer.status_code == 413
    assert answer.get_json()["error"] == "request_entity_too_large"


def test_large_form_gets_413_page_in_the_visitors_language(client):
    answer = client.post("/book/confirm?lang=sv", data={"needs": "x" * 70_000})
    assert answer.status_code == 413
    assert "Begäran var för stor" in answer.get_data(as_text=True)


def test_forms_of_ordinary_size_pass(client):
    answer = client.post("/book/confirm?lang=en", data={"needs": "x" * 4000})
    assert answer.status_code != 413
