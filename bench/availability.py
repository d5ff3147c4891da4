"""Availability benchmark at region scale: in-process month and HTTP ratio.

    .venv/bin/python -m bench.availability [--iterations 200] [--seconds 3] [--no-http]
        [--only sqlite|postgresql]

Builds a fresh SQLite database (and PostgreSQL ones where
``BOOKING_TEST_POSTGRES_URL`` is set) with 15 points, 60 experts and 20,000
future appointments, clones it and gives the clone 200,000 past appointments.
Then it times one month of free times for one point and one service on both,
in turns: cold (the availability cache emptied before each call: load and
compute), cold without the calendar-arithmetic memos, warm (a cache hit) and
the engine alone.  Finally it serves the app and a bare Flask endpoint from one
gunicorn (``bench/serve_both.py``), compares their requests per second with
``wrk`` (or a small Python client), and the same requests' CPU cost in-process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bench.http_load import fetch, in_process, load_tool, requests_per_second, serving
from bench.month_timings import MonthProbe, compare, month
from bench.region_data import add_appointments, build_region
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine
from booking.engine.clock import HELSINKI, utc_now

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
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()

    on_each_backend(args.only, lambda databases: run_backend(databases, args))


def on_each_backend(only: str | None, run: Callable[[object], None]) -> None:
    """Run ``run(databases)`` on SQLite files, then on PostgreSQL scratch databases
    when ``BOOKING_TEST_POSTGRES_URL`` is set; ``only`` names one of the two."""
    workdir = Path(tempfile.mkdtemp(prefix="booking-bench-"))
    try:
        if only != "postgresql":
            print("\n== SQLite")
            run(SQLiteFiles(workdir))
        server = os.environ.get("BOOKING_TEST_POSTGRES_URL")
        if server and only != "sqlite":
            print("\n== PostgreSQL")
            run(PostgresDatabases(server))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def region_with_future(
    databases, name: str, count: int = FUTURE, **build
) -> tuple[str, Engine, dict, date, int]:
    """A new database ``name`` holding the region (``build``: ``build_region``'s options)
    and ``count`` coming appointments, analysed: its URL, an engine on it (the caller
    disposes of it), the region's ids, today, and how many appointments were added."""
    url = databases.create(name)
    engine = make_engine(url)
    upgrade_schema(engine)
    region = build_region(engine, **build)
    today = utc_now().astimezone(HELSINKI).date()
    added = add_appointments(
        engine, region, first_day=today + timedelta(days=1), count=count, past=False
    )
    analyze(engine)
    return url, engine, region, today, added


def run_backend(databases, args) -> None:
    """Region + future appointments in database A; A cloned to B, B given the past."""
    try:
        started = time.perf_counter()
        future_only, engine, region, today, added = region_with_future(databases, "future")
        engine.dispose()
        print(f"built region + {added:,} future appointments in {elapsed(started)}")
        started = time.perf_counter()
        with_past = databases.clone(future_only, "past")
        engine = make_engine(with_past)
        added = add_appointments(
            engine, region, first_day=today - timedelta(days=1), count=PAST, past=True
        )
        analyze(engine)
        engine.dispose()
        print(f"cloned it and added {added:,} past appointments in {elapsed(started)}")

        engines = [make_engine(future_only), make_engine(with_past)]
        probes = [
            MonthProbe(engine, label, POINT, SERVICE, today)
            for engine, label in zip(engines, ("0 past", f"{PAST:,} past"), strict=True)
        ]
        for probe in probes:
            print(f"-- {probe.describe()}")
        compare(probes, args.iterations)
        for engine in engines:
            engine.dispose()
        if not args.no_http:
            http_ratio(with_past, args.seconds)
    finally:
        databases.drop_all()


def elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def analyze(engine: Engine) -> None:
    """Statistics for the planner; on PostgreSQL a vacuum too, so that the covering
    indexes are read alone (index-only scans), as autovacuum leaves a steady table.
    Then the build is settled: its write-ahead log written into the database and the
    machine's dirty pages on disk, so that timings after a bulk load do not share the
    machine with its write-back (measured: a national month read 7.4-8.1 ms in the
    minute after the build, 3.8-4.0 ms once it had settled)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        with closing(sqlite3.connect(engine.url.database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.sync()


class SQLiteFiles:
    def __init__(self, folder: Path):
        self.folder = folder

    def create(self, name: str) -> str:
        return f"sqlite:///{self.folder / name}.sqlite3"

    def clone(self, url: str, name: str) -> str:
        target = self.folder / f"{name}.sqlite3"
        source = closing(sqlite3.connect(make_url(url).database))
        with source as original, closing(sqlite3.connect(target)) as copy:
            original.backup(copy)
        return f"sqlite:///{target}"

    def drop_all(self) -> None:
        """The work folder goes as a whole."""


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
    with in_process(url) as client:
        costs = {}
        for name, paths in scenarios.items():
            for path in paths[:50]:
                client.get(path)
            started = time.thread_time()
            for number in range(requests):
                client.get(paths[(number + 50) % len(paths)])
            costs[name] = (time.thread_time() - started) / requests * 1000
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


class PostgresDatabases:
    """Fresh databases on the server at ``server_url``, dropped at the end."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.names: list[str] = []

    def create(self, name: str, template: str | None = None) -> str:
        database = f"booking_bench_{name}_{uuid.uuid4().hex[:8]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        self._admin(f'CREATE DATABASE "{database}"{clause}')
        self.names.append(database)
        url = make_url(make_engine(self.server_url).url).set(database=database)
        return url.render_as_string(hide_password=False)

    def clone(self, url: str, name: str) -> str:
        return self.create(name, template=make_url(url).database)

    def drop_all(self) -> None:
        for database in self.names:
            self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        admin = make_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(statement))
        admin.dispose()


if __name__ == "__main__":
    main()
