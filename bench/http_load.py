"""HTTP load for benchmarks: serve ``bench/serve_both.py`` and count requests per second.

``wrk`` when installed (``apt-get install -y wrk``), else a small bounded Python
client.  The server is stopped by the pid it wrote, never by name.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.test import Client

PROJECT = Path(__file__).resolve().parent.parent


#: The benches' own secret key (the app refuses one under 32 bytes).
BENCH_SECRET_KEY = "bench-secret-key-long-enough-for-the-32-byte-rule"


def bench_settings(database_url: str) -> dict[str, str]:
    """The app's settings for a bench: the database, no rate limits, a bench key."""
    return {
        "BOOKING_DATABASE_URL": database_url,
        "BOOKING_RATELIMIT_ENABLED": "0",
        "BOOKING_SECRET_KEY": BENCH_SECRET_KEY,
    }


@contextmanager
def in_process(database_url: str) -> Iterator[Client]:
    """The app and ``/bare`` in this process, behind a WSGI test client (no server):
    for CPU time per request, which a busy machine disturbs less than a rate."""
    from bench.serve_both import both

    settings = bench_settings(database_url)
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield Client(both())
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def serving(database_url: str, workers: int = 2, threads: int = 0) -> Iterator[str]:
    """Serve the app and ``/bare`` with gunicorn on a free loopback port; yield its base URL.
    ``threads``: 0 for sync workers, else ``booking serve``'s threaded workers with as
    many threads each."""
    port = free_port()
    piddir = Path(tempfile.mkdtemp(prefix="booking-bench-pid-"))
    pidfile = piddir / "gunicorn.pid"
    env = {**os.environ, **bench_settings(database_url), "PYTHONPATH": str(PROJECT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.serve_both", *map(str, (port, workers, pidfile, threads))],
        cwd=PROJECT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/bare/")
        yield base
    finally:
        stop_server(server, pidfile)
        shutil.rmtree(piddir, ignore_errors=True)


def server_label(threads: int) -> str:
    """How ``serving(..., threads=threads)`` serves, for a bench's first line."""
    return f"booking serve's workers, {threads} threads each" if threads else "sync workers"


def load_tool() -> str:
    return "wrk -t2 -c16" if shutil.which("wrk") else "Python client, 8 threads"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


#: wrk's threads: each goes through the paths in turn from the first.
LOAD_THREADS = 2


def requests_per_second(base: str, paths: list[str], seconds: int) -> float:
    """Requests per second over ``seconds``, cycling through ``paths``."""
    if not shutil.which("wrk"):
        return python_client(base, paths, seconds)
    with tempfile.TemporaryDirectory(prefix="booking-bench-wrk-") as folder:
        script = Path(folder) / "paths.lua"
        quoted = ",\n".join(f'  "{path}"' for path in paths)
        script.write_text(
            f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n"
            '  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n'
        )
        result = subprocess.run(
            ["wrk", f"-t{LOAD_THREADS}", "-c16", f"-d{seconds}s", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
        )
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if failed:
        raise SystemExit(f"{paths[0]}: {failed.group(1)} failed responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def python_client(base: str, paths: list[str], seconds: int, threads: int = 8) -> float:
    """A bounded fallback: ``threads`` clients in a loop for ``seconds``."""
    done = [0] * threads
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        position = index
        while time.perf_counter() < deadline:
            fetch(base + paths[position % len(paths)])
            position += threads
            done[index] += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def stop_server(server: subprocess.Popen, pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        pid = server.pid
    os.kill(pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()


def register_bench_signal(engine) -> str:
    """On PostgreSQL, register a calendar signal in a scratch directory, as ``booking
    calendar-signal register`` does for a server whose processes all run on one
    machine; what was done."""
    from booking.data.sessions import make_session_factory
    from booking.data.signal_registration import register_signal

    folder = tempfile.mkdtemp(prefix="booking-bench-")
    atexit.register(shutil.rmtree, folder, True)
    path = os.path.join(folder, "calendar-signal")
    with make_session_factory(engine)() as session:
        return register_signal(session, path)
