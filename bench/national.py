"""National scale: the cold month with 250 points, 2,000 experts and a million coming
appointments.

    .venv/bin/python -m bench.national [--future 1000000] [--past 0] [--iterations 200]
        [--only sqlite|postgresql]

Builds, on SQLite and on PostgreSQL (where ``BOOKING_TEST_POSTGRES_URL`` is set),
the region's six agencies and twelve services at 250 points in 125
municipalities (two or three rooms each, eight services each) with 333 experts
per agency, each doing all of its agency's services and working at every point
(the model of the region), and fills ``--future`` coming appointments (and
``--past`` past ones: the queries are bounded to the asked window, so history
changes nothing; see ``bench/availability.py``).  Then, in-process, one month of
one point's Kela service: what it loads (rooms, experts, busy spans) and its
cold, warm and engine-only timings, as ``bench/availability.py`` prints them
for the region, and the cold month once more where another point of the agency
was read first (its experts' hours are the agency's, kept for every point).
Budget for the cold month: 5 ms.  It also prints what one round trip
(``SELECT 1``) costs on the machine at that moment, since on PostgreSQL a cold
month makes three (the stamp, its first reads together, the appointments), and
on a virtual machine that cost moves with its neighbours (0.02 ms in one
session, 0.13 ms in another); the "engine only" line, pure Python, shows how
fast its CPU is at the moment.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from sqlalchemy import select

from bench.availability import analyze, elapsed, on_each_backend, region_with_future
from bench.month_timings import MonthProbe, compare
from bench.region_data import add_appointments
from booking.data.availability import free_times
from booking.data.availability_cache import clear_availability_cache
from booking.data.models import Offering
from booking.data.sessions import read_only

POINTS = [(f"point-{n:03d}", f"municipality-{n // 2:03d}", 2 + n % 2) for n in range(250)]
EXPERTS_PER_AGENCY = 333
SERVICE = "kela-benefits"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--future", type=int, default=1_000_000)
    parser.add_argument("--past", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    on_each_backend(args.only, lambda databases: run_backend(databases, args))


def run_backend(databases, args) -> None:
    try:
        started = time.perf_counter()
        _url, engine, region, today, added = region_with_future(
            databases,
            "national",
            args.future,
            points=POINTS,
            experts_per_agency=EXPERTS_PER_AGENCY,
        )
        if args.past:
            added += add_appointments(
                engine, region, first_day=today - timedelta(days=1), count=args.past, past=True
            )
        analyze(engine)
        print(f"built {len(POINTS)} points + {added:,} appointments in {elapsed(started)}")
        point = POINTS[0][0]  # offers Kela's service
        probe = MonthProbe(engine, "national", point, SERVICE, today)
        print(f"-- {probe.describe()}")
        compare([probe], args.iterations)
        print("   budget: cold month <= 5 ms")
        round_trip(engine)
        shared_agency_facts(engine, probe, args.iterations)
        engine.dispose()
    finally:
        databases.drop_all()


def round_trip(engine, times: int = 2000) -> None:
    """The machine's own cost of one query: ``SELECT 1`` on a connection of the engine,
    median wall and CPU time (a cold month makes three such round trips on
    PostgreSQL, and on a virtual machine their cost moves with its neighbours)."""
    with engine.connect() as connection:
        wall, cpu = [], []
        for _ in range(times):
            started, started_cpu = time.perf_counter(), time.thread_time()
            connection.exec_driver_sql("SELECT 1").all()
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        connection.rollback()
    print(
        f"   one round trip (SELECT 1)  median {statistics.median(wall):6.3f} ms"
        f"   (cpu median {statistics.median(cpu):5.3f} ms)"
    )


def shared_agency_facts(engine, probe: MonthProbe, iterations: int) -> None:
    """The cold month again, where a month at another point of the agency was read
    first (another month, so that its halves are not this one's): what a point nobody
    has read yet costs while its agency's facts (its experts' hours) are kept."""
    with engine.connect() as connection:
        other = (
            connection.execute(
                select(Offering.point_id).where(
                    Offering.service_id == probe.service, Offering.point_id != probe.point
                )
            )
            .scalars()
            .first()
        )
    later = timedelta(days=40)
    elsewhere = (other, probe.service, probe.first + later, probe.last + later, probe.now)
    timings = []
    for _ in range(iterations):
        clear_availability_cache()
        with read_only(), probe.sessions() as session:
            free_times(session, *elsewhere)
        started = time.perf_counter()
        probe.warm()
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"   cold, another point of the agency read first  median"
        f" {statistics.median(timings):6.2f} ms"
    )


if __name__ == "__main__":
    main()
