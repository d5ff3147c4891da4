"""How fast ``booking serve --workers 2`` answers ``/api/v1/health`` while 40 clients trickle.

A real server on a fresh SQLite database and real sockets: first the health
endpoint alone for a few seconds (one request at a time, a new connection
each), then the same while 40 connections each send half a request head and
one more header line a second, never finishing.  Prints the answer times
(median, 95th percentile, worst), the ratio of the medians, how many answers
failed, and the load of the machine.

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


def trickle(port: int, count: int, stop: threading.Event) -> None:
    """Keep ``count`` unfinished requests open, adding a header line a second
    (and opening a new one when the server closes one)."""
    sockets: list[socket.socket | None] = [None] * count
    line = 0
    while not stop.is_set():
        line += 1
        for index in range(count):
            try:
                if sockets[index] is None:
                    sockets[index] = socket.create_connection(("127.0.0.1", port), timeout=5)
                    sockets[index].sendall(b"GET /?slow HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                sockets[index].sendall(f"X-Slow-{line}: still coming\r\n".encode())
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
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts it slowly
        while health(port)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("booking serve did not start")
            time.sleep(0.2)
        alone_median, alone = summary(watch(port, arguments.seconds))
        trickling = threading.Thread(target=trickle, args=(port, arguments.slow, stop))
        trickling.start()
        time.sleep(2)  # every slow client has connected and sent its first lines
        slowed_median, slowed = summary(watch(port, arguments.seconds))
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    print("booking serve --workers 2, GET /api/v1/health, one connection per request")
    print(f"  alone:                      {alone}")
    print(f"  with {arguments.slow} slow clients trickling: {slowed}")
    print(f"  ratio of medians (slowed / alone): {slowed_median / alone_median:.2f}")
    print(f"  load average: {os.getloadavg()}, cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
