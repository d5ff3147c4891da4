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
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.test import Client

from bench.http_load import fetch, load_tool, requests_per_second, serving
from bench.region_data import add_appointments, build_region
from bench.serve_both import both
from booking import calendars
from booking.availability import _day_grid as day_grid
from booking.availability import free_slots
from booking.calendar_revision import clear_availability_cache
from booking.calendars import working_seconds
from booking.clock import HELSINKI, utc_now
from booking.db import make_engine, make_session_factory, read_only
from booking.models import Appointment
from booking.schema import upgrade_schema

POINT = "jyvaskyla-saynatsalo"
SERVICE = "kela-benefits"
FUTURE = 20_000
PAST = 200_000
AVAILABILITY = "/api/v1/points/{point}/availability"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=3, help="per HTTP measurement")
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
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"   (machine load average {load} on {os.cpu_count()} cores)")
    print(
        f"-- {label}: {total:,} appointments in the database; month {first}..{last} at {POINT} "
        f"for {SERVICE}: {len(inputs.rooms)} rooms, {len(inputs.experts)} experts, "
        f"{busy} busy spans loaded, {len(starts)} free times"
    )

    def coldest():
        working_seconds.cache_clear()
        day_grid.cache_clear()
        return cold()

    for name, call in (
        ("cold (load + compute)", cold),
        ("cold, no calendar memos", coldest),
        ("warm (cache hit)", warm),
    ):
        print(f"   {name:24s} {timings(call, iterations)}")
    print(f"   {'engine only':24s} {timings(engine_only, iterations)}")


def timings(call, iterations: int) -> str:
    """Wall-clock median and p95, and the median CPU time of this thread (which a
    busy machine inflates less)."""
    call()
    wall, cpu = [], []
    for _ in range(iterations):
        started, started_cpu = time.perf_counter(), time.thread_time()
        call()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    wall.sort()
    p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
    return (
        f"median {statistics.median(wall):6.2f} ms   p95 {p95:6.2f} ms"
        f"   (cpu median {statistics.median(cpu):5.2f} ms)"
    )


# --- HTTP -------------------------------------------------------------------------


def http_ratio(url: str, seconds: int, rounds: int = 5) -> None:
    """Bare hello vs one month of one point (cache hits) vs many points and ranges
    (more distinct questions than the cache holds: every answer computed)."""
    first, last = month(utc_now().astimezone(HELSINKI).date())
    month_path = f"{AVAILABILITY.format(point=POINT)}?service={SERVICE}&from={first}&to={last}"
    varied = varied_paths(url, first)
    with serving(url) as base:
        body = fetch(base + month_path)
        print(f"-- HTTP: gunicorn, 2 sync workers, {load_tool()}; {month_path} → {len(body)} bytes")
        scenarios = {
            "bare Flask hello": ["/bare/"],
            "availability, one month": [month_path],
            f"availability, {len(varied)} varied": varied,
        }
        rates: dict[str, list[float]] = {name: [] for name in scenarios}
        for _ in range(rounds):
            for name, paths in scenarios.items():
                rates[name].append(requests_per_second(base, paths, seconds))
    bare = rates["bare Flask hello"]
    for name, measured in rates.items():
        ratios = [m / b for m, b in zip(measured, bare, strict=True)]
        print(
            f"   {name:28s} {statistics.median(measured):7.0f} requests/s"
            f"   ratio to bare (median of {rounds} rounds) {statistics.median(ratios):.2f}"
            f"   rounds {[round(m) for m in measured]}"
        )
    print("   budget: ratio >= 0.3")
    wsgi_costs(url, scenarios)


def wsgi_costs(url: str, scenarios: dict[str, list[str]], requests: int = 720) -> None:
    """The same requests through the WSGI app in this process, without a server or a
    load generator: CPU time per request, which a busy machine disturbs less."""
    saved = {name: os.environ.get(name) for name in ("BOOKING_DATABASE_URL", "BOOKING_SECRET_KEY")}
    os.environ.update(BOOKING_DATABASE_URL=url, BOOKING_SECRET_KEY="bench-secret")
    try:
        client = Client(both())
        costs = {}
        for name, paths in scenarios.items():
            for path in paths[:50]:
                client.get(path)
            started = time.thread_time()
            for number in range(requests):
                client.get(paths[(number + 50) % len(paths)])
            costs[name] = (time.thread_time() - started) / requests * 1000
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    print("-- the same requests in-process (WSGI test client, CPU time per request):")
    bare = costs["bare Flask hello"]
    for name, cost in costs.items():
        print(f"   {name:28s} {cost:6.3f} ms   bare/this {bare / cost:.2f}")


def varied_paths(url: str, first: date) -> list[str]:
    """Every offered (point, service) with month-long ranges of several lengths."""
    engine = make_engine(url)
    with engine.connect() as connection:
        offered = connection.execute(text("SELECT point_id, service_id FROM offering")).all()
    engine.dispose()
    return [
        f"{AVAILABILITY.format(point=point)}?service={service}&from={first}"
        f"&to={first + timedelta(days=days)}"
        for days in (27, 28, 29, 30, 31, 32)
        for point, service in sorted(offered)
    ]


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
