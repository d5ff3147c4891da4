"""A real ``booking serve`` process on a free local port, for tests from outside the app.

The database is a SQLite file (or a given database) set up with ``booking
setup`` (the region file loaded, no appointments), so the front page has points
to list.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "a-secret-key-for-the-live-server-tests-0123456789"


def booking_command() -> str:
    """The ``booking`` script of the environment running the tests."""
    beside_python = Path(sys.executable).parent / "booking"
    return str(beside_python) if beside_python.exists() else shutil.which("booking") or "booking"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOOKING_")}
    env.update(
        BOOKING_DATABASE_URL=database_url,
        BOOKING_SECRET_KEY=SECRET_KEY,
        BOOKING_BASE_URL=f"http://127.0.0.1:{port}",
    )
    return env


def http_get(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    """One plain HTTP/1.1 GET on a fresh connection: (status, whole answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        connection.sendall(request.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer


@dataclass
class LiveServer:
    port: int
    process: subprocess.Popen
    log: Path
    env: dict[str, str]

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        return http_get(self.port, path, timeout)

    def command(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        """Run ``booking <args>`` against this server's database."""
        return subprocess.run(
            [booking_command(), *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


def wait_until_answering(server: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"booking serve exited: {server.log.read_text()[-2000:]}")
        try:
            if server.get("/api/v1/health", timeout=1)[0] == 200:
                return
        except OSError:
            time.sleep(0.05)  # the port is not open yet: poll again
    raise AssertionError(f"booking serve did not answer in {timeout} s")


def cap_open_files(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


@contextmanager
def live_server(
    tmp_path: Path,
    *serve_args: str,
    database_url: str | None = None,
    settings: dict[str, str] | None = None,
    open_files: int | None = None,
) -> Iterator[LiveServer]:
    """``booking setup`` then ``booking serve`` on a free port; stopped after the test.

    ``database_url`` defaults to a new SQLite file; ``settings`` are more
    ``BOOKING_*`` variables for both commands; ``open_files`` caps the files the
    server may hold open (its soft and hard limit)."""
    port = free_port()
    env = server_env(database_url or f"sqlite:///{tmp_path / 'live.sqlite3'}", port)
    env.update(settings or {})
    log = tmp_path / "server.log"
    subprocess.run([booking_command(), "setup"], cwd=ROOT, env=env, check=True, capture_output=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            [booking_command(), "serve", "--port", str(port), *serve_args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=None if open_files is None else partial(cap_open_files, open_files),
        )
    server = LiveServer(port, process, log, env)
    try:
        wait_until_answering(server, timeout=30)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
