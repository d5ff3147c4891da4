"""``booking serve`` keeps answering while slow clients trickle their request headers.

A real server process, real sockets: forty connections each send the start of
a request and then one more header line a second, never finishing; meanwhile
ordinary visitors must get their pages at once.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress

import pytest

from booking.server_worker import REQUEST_ARRIVAL_SECONDS

pytestmark = pytest.mark.slow

SLOW_CLIENTS = 40
TRICKLE_INTERVAL = 1.0  # seconds between the header lines of a slow client
PROMPT = 2.0  # seconds an ordinary visitor may wait for a page
WATCHED_FOR = 8.0  # seconds of ordinary visits while the slow clients trickle


class Tricklers:
    """Connections that started a request and add one header line a second, forever."""

    def __init__(self, port: int, count: int):
        self.stop = threading.Event()
        self.sockets = []
        for number in range(count):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(f"GET /?slow={number} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            self.sockets.append(connection)
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        line = 0
        while not self.stop.wait(TRICKLE_INTERVAL):
            line += 1
            for connection in self.sockets:
                with suppress(OSError):  # the server may have closed this one
                    connection.sendall(f"X-Slow-{line}: still coming\r\n".encode())

    def still_open(self, deadline: float) -> int:
        """How many slow clients the server has not closed by ``deadline``."""
        still_open = 0
        for connection in self.sockets:
            connection.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                closed = connection.recv(200) == b""
            except TimeoutError:
                closed = False
            except ConnectionResetError:
                closed = True
            still_open += not closed
        return still_open

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for connection in self.sockets:
            connection.close()


def timed_get(server, path: str) -> tuple[int, float]:
    """(status, seconds taken); status 0 when no answer came in time."""
    started = time.monotonic()
    try:
        status, _answer = server.get(path, timeout=PROMPT * 2)
    except TimeoutError:
        status = 0
    return status, time.monotonic() - started


def test_pages_answer_promptly_while_forty_clients_trickle_headers(live):
    tricklers = Tricklers(live.port, SLOW_CLIENTS)
    cut_off_by = time.monotonic() + REQUEST_ARRIVAL_SECONDS + 2 * TRICKLE_INTERVAL + 1
    try:
        visits = []
        watch_until = time.monotonic() + WATCHED_FOR
        while time.monotonic() < watch_until:
            for path in ("/", "/api/v1/health"):
                visits.append((path, *timed_get(live, path)))
        still_open = tricklers.still_open(deadline=cut_off_by)
    finally:
        tricklers.close()
    slow = [(path, status, round(took, 2)) for path, status, took in visits if took > PROMPT]
    assert all(status == 200 for _path, status, _took in visits), visits
    assert slow == [], f"{len(slow)} of {len(visits)} visits waited longer than {PROMPT} s"
    # And each slow client was cut off once its request had taken too long.
    assert still_open == 0
