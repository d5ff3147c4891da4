"""The council's figures at region scale: a year of the whole region over 500,000 facts.

    .venv/bin/python -m bench.figures [--facts 500000] [--runs 5] [--only sqlite|postgresql]

Builds the benchmark region (15 points, 6 agencies, 12 services; bench.region_data)
in a fresh SQLite database, and in a PostgreSQL one where
``BOOKING_TEST_POSTGRES_URL`` is set; writes ``--facts`` anonymous appointment
facts spread over one year, with the outcomes, channels, languages and times a
real year has; then times the figures of that whole year for the whole region
(every table of the page and the CSV, protection included) and the CSV alone
for one point: first counted from the facts, then again once the scheduler has
counted the year's months (``booking.figures.month_totals``), as the figures of
months that are over are read in use.  The goal: under a second on both.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, text

from bench.region_data import build_region
from booking.data.appointment_facts import AppointmentFact
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.engine.clock import utc_now
from booking.figures.csv_export import figures_csv
from booking.figures.month_totals import summarize_months_over
from booking.figures.report import council_figures
from booking.figures.scope import Scope
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database

YEAR = 2025
GOAL_SECONDS = 1.0
BATCH = 20_000
OUTCOMES = (("done", 0.74), ("no_show", 0.07), ("cancelled", 0.12), ("technical_failure", 0.02))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = {}
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory(prefix="booking-figures-") as folder:
            url = f"sqlite:///{Path(folder) / 'figures.sqlite3'}"
            results["SQLite"] = run_backend("SQLite", url, args)
    server = os.environ.get("BOOKING_TEST_POSTGRES_URL")
    if server and args.only != "sqlite":
        url = create_scratch_database(server, "booking_bench_figures")
        try:
            results["PostgreSQL"] = run_backend("PostgreSQL", url, args)
        finally:
            drop_scratch_database(server, url)
    for label, seconds in results.items():
        verdict = "ok" if seconds < GOAL_SECONDS else "TOO SLOW"
        print(f"{label}: a year of the region in {seconds:.3f} s (< {GOAL_SECONDS} s: {verdict})")


def run_backend(label: str, url: str, args: argparse.Namespace) -> float:
    print(f"== {label}")
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        region = build_region(engine)
        started = time.perf_counter()
        add_facts(engine, region, args.facts)
        analyze(engine)
        print(f"{args.facts:,} facts written in {time.perf_counter() - started:.1f} s")
        sessions = make_session_factory(engine)
        print("-- counted from the facts")
        time_figures(sessions, args.runs)
        with sessions() as session, session.begin():
            started = time.perf_counter()
            months = summarize_months_over(session, now=utc_now())
        print(f"{months} months counted by the scheduler in {time.perf_counter() - started:.1f} s")
        print("-- read from the months' totals")
        return time_figures(sessions, args.runs)
    finally:
        engine.dispose()


def time_figures(sessions, runs: int) -> float:
    """Time the year's figures ``runs`` times; print, and return the best."""
    year = Scope(f"{YEAR}-01", f"{YEAR}-12")
    timings, cpu, figures = [], [], None
    for _ in range(runs):
        with sessions() as session:
            started, used = time.perf_counter(), time.process_time()
            figures = council_figures(session, year)
            document = figures_csv(figures)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
    rows = document.count("\r\n") - 1
    print(
        f"whole region, {YEAR}: best {min(timings):.3f} s, "
        f"median {statistics.median(timings):.3f} s ({rows} CSV rows, "
        f"{figures.total['booked'].value:,} booked); this process's CPU: best "
        f"{min(cpu):.3f} s (the database's own too on SQLite, not on PostgreSQL); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    one_point = Scope(f"{YEAR}-01", f"{YEAR}-12", point_id="keuruu")
    with sessions() as session:
        started = time.perf_counter()
        figures_csv(council_figures(session, one_point))
        print(f"one point, {YEAR}: {time.perf_counter() - started:.3f} s")
    return min(timings)


def add_facts(engine: Engine, region: dict, count: int, seed: int = 5) -> None:
    """``count`` facts over the year, at the offered services of every point; the
    indexes are dropped for the load and built again after it, all at once."""
    rng = random.Random(seed)
    indexes = list(AppointmentFact.__table__.indexes)
    with engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    offerings = [
        (point, service, *region["services"][service])
        for point, services in region["offered"].items()
        for service in services
    ]
    municipality = {point: point.split("-")[0] for point in region["offered"]}
    rows = []
    with engine.begin() as connection:
        for _ in range(count):
            point, service, agency, minutes = rng.choice(offerings)
            rows.append(_fact(rng, point, municipality[point], agency, service, minutes))
            if len(rows) == BATCH:
                connection.execute(insert(AppointmentFact), rows)
                rows = []
        if rows:
            connection.execute(insert(AppointmentFact), rows)
        for index in indexes:
            index.create(connection)


def _fact(rng, point, municipality, agency, service, minutes) -> dict:
    roll, outcome = rng.random(), "booked"
    for name, chance in OUTCOMES:
        if roll < chance:
            outcome = name
            break
        roll -= chance
    cancelled = outcome == "cancelled"
    called = outcome in ("done", "technical_failure") and rng.random() < 0.9
    call = max(1, round(rng.gauss(minutes - 5, 6))) if called else None
    return {
        "id": rng.getrandbits(63) or 1,
        "month": f"{YEAR}-{rng.randint(1, 12):02d}",
        "municipality_id": municipality,
        "point_id": point,
        "agency_id": agency,
        "service_id": service,
        "channel": "desk" if rng.random() < 0.3 else "online",
        "language": rng.choices(("fi", "sv", "en", "uk"), (88, 6, 5, 1))[0],
        "interpreter": rng.random() < 0.04,
        "lead_days": min(60, int(rng.expovariate(1 / 8))),
        "outcome": outcome,
        "failure_reason": rng.choice(("connection", "equipment")) if outcome[0] == "t" else None,
        "cancelled_by": rng.choice(("citizen", "citizen", "staff")) if cancelled else None,
        "cancel_notice_hours": int(rng.expovariate(1 / 40)) if cancelled else None,
        "waiting_minutes": rng.randint(0, 12) if called else None,
        "call_minutes": call,
        "booked_minutes": 0 if cancelled else minutes,
        "used_minutes": call if call is not None else (minutes if outcome == "done" else 0),
    }


def analyze(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # Index-only scans need the visibility map that VACUUM writes.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM appointment_fact"))


if __name__ == "__main__":
    main()
