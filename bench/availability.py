"""Availability benchmark at region scale (issue 2): in-process month and HTTP ratio.

    .venv/bin/python -m bench.availability [--seconds 10] [--iterations 200] [--no-http]

Builds a fresh SQLite database (and a PostgreSQL one where
``BOOKING_TEST_POSTGRES_URL`` is set) with 15 points, 60 experts and 20,000
future appointments; measures one month of free times for one point and one
service — cold (computed: cache emptied before each call) and warm (cache hit)
— then adds 200,000 past appointments and measures again.  Finally it serves
the app and a bare Flask endpoint from one gunicorn (``bench/serve_both.py``)
and compares their requests per second with ``wrk`` (or a small Python client).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from bench.region_data import add_appointments, build_region
from booking import calendars
from booking.availability import free_slots
from booking.calendar_revision import clear_availability_cache
from booking.clock import HELSINKI, utc_now
from booking.db import make_engine, make_session_factory, read_only
from booking.models import Appointment
from booking.schema import upgrade_schema

POINT = "jyvaskyla-saynatsalo"
SERVICE = "kela-benefits"
FUTURE = 20_000
PAST = 200_000
PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10, help="per HTTP measurement")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="booking-bench-"))
    try:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        print(f"== SQLite ({url})")
        run_backend(url, args.iterations)
        if not args.no_http:
            http_ratio(url, args.seconds)
        server = os.environ.get("BOOKING_TEST_POSTGRES_URL")
        if server:
            pg_url = create_pg_database(server)
            print(f"\n== PostgreSQL ({make_url(pg_url).database})")
            try:
                run_backend(pg_url, args.iterations)
                if not args.no_http:
                    http_ratio(pg_url, args.seconds)
            finally:
                drop_pg_database(server, make_url(pg_url).database)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_backend(url: str, iterations: int) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    upgrade_schema(engine)
    region = build_region(engine)
    today = utc_now().astimezone(HELSINKI).date()
    added = add_appointments(
        engine, region, first_day=today + timedelta(days=1), count=FUTURE, past=False
    )
    analyze(engine)
    print(f"built region + {added} future appointments in {time.perf_counter() - started:.1f} s")
    measure_month(engine, today, iterations, "0 past")
    started = time.perf_counter()
    added = add_appointments(
        engine, region, first_day=today - timedelta(days=1), count=PAST, past=True
    )
    analyze(engine)
    print(f"added {added} past appointments in {time.perf_counter() - started:.1f} s")
    measure_month(engine, today, iterations, f"{PAST:,} past")
    engine.dispose()


def analyze(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def month(today: date) -> tuple[date, date]:
    first = today + timedelta(days=1)
    return first, first + timedelta(days=30)


def measure_month(engine: Engine, today: date, iterations: int, label: str) -> None:
    sessions = make_session_factory(engine)
    first, last = month(today)
    now = utc_now()
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(Appointment))
        inputs = calendars.availability_inputs(session, POINT, SERVICE, first, last)
    busy = sum(len(r.busy) for r in inputs.rooms) + sum(len(e.busy) for e in inputs.experts)

    def cold():
        clear_availability_cache()
        with read_only(), sessions() as session:
            return calendars.free_times(session, POINT, SERVICE, first, last, now)

    def warm():
        with read_only(), sessions() as session:
            return calendars.free_times(session, POINT, SERVICE, first, last, now)

    def engine_only():
        return free_slots(
            opening=inputs.opening,
            rooms=inputs.rooms,
            experts=inputs.experts,
            rules=inputs.rules,
            window=inputs.window,
            now=now,
            tz=inputs.tz,
        )

    starts = cold()
    print(
        f"-- {label}: {total:,} appointments in the database; month {first}..{last} at {POINT} "
        f"for {SERVICE}: {len(inputs.rooms)} rooms, {len(inputs.experts)} experts, "
        f"{busy} busy spans loaded, {len(starts)} free times"
    )
    for name, call in (("cold (load + compute)", cold), ("warm (cache hit)", warm)):
        print(f"   {name:24s} {timings(call, iterations)}")
    print(f"   {'engine only':24s} {timings(engine_only, iterations)}")


def timings(call, iterations: int) -> str:
    call()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms"


# --- HTTP -------------------------------------------------------------------------


def http_ratio(url: str, seconds: int) -> None:
    port = free_port()
    pidfile = Path(tempfile.mkdtemp(prefix="booking-bench-pid-")) / "gunicorn.pid"
    env = {
        **os.environ,
        "BOOKING_DATABASE_URL": url,
        "BOOKING_RATELIMIT_ENABLED": "0",
        "BOOKING_SECRET_KEY": "bench-secret",
        "PYTHONPATH": str(PROJECT),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.serve_both", str(port), "2", str(pidfile)],
        cwd=PROJECT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/bare/")
        first, last = month(utc_now().astimezone(HELSINKI).date())
        api = f"{base}/api/v1/points/{POINT}/availability?service={SERVICE}&from={first}&to={last}"
        with urllib.request.urlopen(api) as answer:
            body = answer.read()
        print(f"-- HTTP: gunicorn, 2 sync workers; {api.removeprefix(base)} → {len(body)} bytes")
        rates = {"bare": [], "availability": []}
        for _ in range(2):
            rates["bare"].append(requests_per_second(f"{base}/bare/", seconds))
            rates["availability"].append(requests_per_second(api, seconds))
        bare = statistics.mean(rates["bare"])
        availability = statistics.mean(rates["availability"])
        print(f"   bare Flask hello     {bare:8.0f} requests/s  {rates['bare']}")
        print(f"   availability (month) {availability:8.0f} requests/s  {rates['availability']}")
        print(f"   ratio availability / bare = {availability / bare:.2f}  (budget >= 0.3)")
    finally:
        stop_server(server, pidfile)


def requests_per_second(url: str, seconds: int) -> float:
    if shutil.which("wrk"):
        result = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", url],
            capture_output=True,
            text=True,
            check=True,
        )
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        if errors:
            raise SystemExit(f"{url}: {errors.group(1)} failed responses")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    return python_client(url, seconds)


def python_client(url: str, seconds: int, threads: int = 8) -> float:
    """A bounded fallback: ``threads`` clients in a loop for ``seconds``."""
    done = [0] * threads
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        while time.perf_counter() < deadline:
            with urllib.request.urlopen(url) as answer:
                answer.read()
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
            with urllib.request.urlopen(url, timeout=1):
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
    shutil.rmtree(pidfile.parent, ignore_errors=True)


# --- PostgreSQL -------------------------------------------------------------------


def create_pg_database(server_url: str) -> str:
    name = f"booking_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(make_engine(server_url).url).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_pg_database(server_url: str, name: str) -> None:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
