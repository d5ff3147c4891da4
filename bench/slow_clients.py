"""How fast ``booking serve --workers 2`` answers ``/api/v1/health`` while clients idle.

A real server on a fresh SQLite database and real sockets: first the health
endpoint alone for a few seconds (one request at a time, a new connection
each), then the same while ``--slow`` connections of one kind at a time hold
on, each replaced when the server closes it:

- *trickle*: half a request head, then one more header line a second;
- *read nothing*: a hundred requests for the API's description (21 kB each)
  sent at once, on a connection with a small receive buffer, and no answer read;
- *keep quiet*: a request that asks for ``Connection: close``, its answer
  never read and the connection never closed (a new batch each second);
- *stall a body*: a request declaring a body of 1 MB (or a chunked one over
  64 kB), part of it, then a byte a second.

Prints the answer times (median, 95th percentile, worst) for each, the ratio
of the medians to those alone, how many answers failed, and the load of the
machine.

    python -m bench.slow_clients [--seconds 8] [--slow 40]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path

from bench.http_load import BENCH_SECRET_KEY, free_port

PROJECT = Path(__file__).resolve().parent.parent


def booking_command() -> str:
    beside_python = Path(sys.executable).parent / "booking"
    return str(beside_python) if beside_python.exists() else "booking"


def health(port: int) -> tuple[int, float]:
    """(status, seconds) of one GET on a new connection; status 0 when none came in 10 s."""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(
                b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        status = int(answer.split(b" ", 2)[1])
    except (OSError, ValueError, IndexError):
        status = 0
    return status, time.perf_counter() - started


def watch(port: int, seconds: float) -> list[tuple[int, float]]:
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answers.append(health(port))
    return answers


HEALTH_CLOSE = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
DESCRIPTION = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
LARGE_BODIES = (
    b"POST /api/v1/appointments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
    b"\r\nContent-Length: 1000000\r\n\r\n" + b" " * 100,
    b"POST /api/v1/appointments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
    b"\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n" + b" " * 66_000,
)


KINDS = ("trickle", "read nothing", "keep quiet", "stall a body")


def idle_connection(port: int, kind: str, number: int) -> socket.socket:
    """A new connection of ``kind`` that has sent what that kind sends first."""
    connection = socket.socket()
    if kind == "read nothing":
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    connection.settimeout(5)
    connection.connect(("127.0.0.1", port))
    first = {
        "trickle": b"GET /?slow HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        "read nothing": DESCRIPTION * 100,
        "keep quiet": HEALTH_CLOSE,
        "stall a body": LARGE_BODIES[number % 2],
    }[kind]
    connection.sendall(first)
    return connection


def keep_idle(port: int, kind: str, count: int, stop: threading.Event) -> None:
    """Keep ``count`` connections of ``kind`` open, each second adding what the kind
    adds (a header line, a byte of body), and opening a new one for each the server
    closed; *keep quiet* opens a new batch each second."""
    sockets: list[socket.socket | None] = [None] * count
    line = 0
    while not stop.is_set():
        line += 1
        for index in range(count):
            try:
                if kind == "keep quiet" and sockets[index] is not None:
                    sockets[index].close()
                    sockets[index] = None
                if sockets[index] is None:
                    sockets[index] = idle_connection(port, kind, index)
                elif kind == "trickle":
                    sockets[index].sendall(f"X-Slow-{line}: still coming\r\n".encode())
                elif kind == "stall a body":
                    sockets[index].sendall(b" ")
            except OSError:
                with suppress(OSError, AttributeError):
                    sockets[index].close()
                sockets[index] = None
        stop.wait(1.0)
    for connection in sockets:
        with suppress(OSError, AttributeError):
            connection.close()


def summary(answers: list[tuple[int, float]]) -> tuple[float, str]:
    times = sorted(took for _status, took in answers)
    failed = sum(status != 200 for status, _took in answers)
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    return median, (
        f"{len(answers)} answers, {failed} failed; median {median * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, worst {times[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--slow", type=int, default=40)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="booking-bench-slow-"))
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOOKING_")}
    env.update(
        BOOKING_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        BOOKING_SECRET_KEY=BENCH_SECRET_KEY,
        BOOKING_BASE_URL=f"http://127.0.0.1:{port}",
    )
    subprocess.run([booking_command(), "setup"], cwd=PROJECT, env=env, check=True)
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(
            [booking_command(), "serve", "--port", str(port), "--workers", "2"],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts it slowly
        while health(port)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("booking serve did not start")
            time.sleep(0.2)
        alone_median, alone = summary(watch(port, arguments.seconds))
        beside = {}
        for kind in KINDS:
            stop = threading.Event()
            idling = threading.Thread(target=keep_idle, args=(port, kind, arguments.slow, stop))
            idling.start()
            try:
                time.sleep(2)  # every idle client has connected and sent its first bytes
                beside[kind] = summary(watch(port, arguments.seconds))
            finally:
                stop.set()
                idling.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    print("booking serve --workers 2, GET /api/v1/health, one connection per request")
    print(f"  {'alone:':<37}{alone}")
    for kind, (median, line) in beside.items():
        label = f"beside {arguments.slow} clients that {kind}:"
        print(f"  {label:<37}{line}; ratio of medians {median / alone_median:.2f}")
    print(f"  load average: {os.getloadavg()}, cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
