"""Parallel bookings: 16 clients booking different agencies at different points vs one.

    .venv/bin/python -m bench.parallel_bookings [--seconds 2] [--rounds 9] [--threads 16]
        [--worker-threads 8] [--only sqlite|postgresql] [--postgresql-signal none|registered]

For SQLite and PostgreSQL (where ``BOOKING_TEST_POSTGRES_URL`` is set) it builds
``--threads`` points, each offering the one service of an agency of its own
(two rooms, two experts), serves the app from one gunicorn (two workers:
``booking serve``'s own with ``--worker-threads`` threads each, or sync workers
with ``--worker-threads 0``; ``BOOKING_VERIFY_PHONE=0``, rate limits off) and
counts bookings per second (``POST /api/v1/appointments``, distinct free times,
each a 201): client *i* books only agency *i* at point *i*.  One client, then
all of them, in turns;
the ratio is all / one, median of the rounds.  Many short rounds rather than a
few long ones: on a shared two-core machine the speed drifts over seconds, and
a round's two halves, run one straight after the other, see the same machine
(three rounds of five seconds read from 1.40 to 2.09 for the same code).  After
each round it measures what the machine itself allows (``bench.two_cores``: two
processes of plain Python against one), the ceiling of two workers.  Then it
checks in SQL that no two active appointments overlap.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from bench.booking import (
    STARTS,
    bookable_days,
    booking_body,
    on_both_backends,
    print_overlaps,
    request,
)
from bench.http_load import register_bench_signal, server_label, serving
from bench.two_cores import two_against_one
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.engine.clock import HELSINKI, utc_now
from tests.factories import Factory

ROOMS = 2
#: Bookings per second of the 16 clients against one's, at the least.
BUDGET = 1.6


def lane(number: int) -> tuple[str, str]:
    return f"point-{number:02d}", f"agency-{number:02d}-advice"


def build_world(url: str, lanes: int, signal: str) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    if engine.dialect.name == "postgresql" and signal == "registered":
        print(register_bench_signal(engine))
    session = make_session_factory(engine)()
    factory = Factory(session)
    for number in range(lanes):
        point, service = lane(number)
        factory.point(point, rooms=ROOMS)
        agency = f"agency-{number:02d}"
        factory.service(
            service, agency=agency, points=(point,), horizon_days=120, min_notice_minutes=60
        )
        for expert in range(ROOMS):
            factory.expert(f"{agency}-expert-{expert}", agency=agency, services=(service,))
    session.close()
    engine.dispose()


def lane_bodies(number: int, days) -> itertools.chain:
    """Distinct free times of one lane: every start of every day, each room."""
    point, service = lane(number)
    phones = itertools.count(number * 1_000_000 + 1_000_000)
    return (
        {**booking_body(point, start, f"040{next(phones)}"), "service": service}
        for day in days
        for hour, minute in STARTS
        for start in [datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)] * ROOMS
    )


def bookings_per_second(base: str, lanes: list, seconds: float) -> tuple[float, Counter]:
    """One thread per lane, each booking its own lane's times for ``seconds``."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(bodies) -> None:
        for body in bodies:
            if time.perf_counter() >= deadline:
                break
            status = request(base, "POST", "/api/v1/appointments", body)
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=client, args=(bodies,)) for bodies in lanes]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses[201] / (time.perf_counter() - started), statuses


def spread(ratios: list[float]) -> str:
    """The median of ``ratios`` and the middle half of them."""
    low, median, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return f"{median:.2f} (middle half of the rounds {low:.2f}-{high:.2f})"


def run_backend(label: str, url: str, args: argparse.Namespace) -> None:
    print(f"\n{label}")
    # A lane of its own for each round's single client and one for the warm-up, beside
    # the threads' lanes: one lane's free times would not last the rounds.
    build_world(url, args.threads + args.rounds + 1, args.postgresql_signal)
    today = utc_now().astimezone(HELSINKI).date()
    days = bookable_days(today + timedelta(days=2), 60)
    lanes = [lane_bodies(number, days) for number in range(args.threads + args.rounds + 1)]
    with serving(url, threads=args.worker_threads) as base:
        # Warm both workers up the way the rounds book (the first bookings of a fresh
        # server are slower), so that the first round's single client is not measured cold.
        bookings_per_second(base, [lanes[-1]], 1)
        bookings_per_second(base, lanes[: args.threads], 1)
        ratios, machine = [], []
        for round_number in range(1, args.rounds + 1):
            single = lanes[args.threads + round_number - 1]
            one, one_statuses = bookings_per_second(base, [single], args.seconds)
            many, statuses = bookings_per_second(base, lanes[: args.threads], args.seconds)
            ratios.append(many / one)
            machine.append(two_against_one())
            print(
                f"  round {round_number}: 1 thread {one:.1f} bookings/s {dict(one_statuses)}; "
                f"{args.threads} threads {many:.1f}/s {dict(statuses)}; ratio {many / one:.2f}; "
                f"plain Python, 2 processes / 1: {machine[-1]:.2f}"
            )
        print(f"  median ratio {args.threads} threads / 1: {spread(ratios)}")
        print(f"  the machine's own, 2 processes of plain Python / 1: {spread(machine)}")
        median = statistics.median(ratios)
        held = "held" if median >= BUDGET else "not held"
        print(f"  budget: >= {BUDGET} ({held}: the median is {median:.3f})")
    print_overlaps(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--worker-threads", type=int, default=8)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--postgresql-signal", choices=["none", "registered"], default="none")
    arguments = parser.parse_args()
    os.environ["BOOKING_VERIFY_PHONE"] = "0"
    server = server_label(arguments.worker_threads)
    print(f"server: gunicorn, 2 {server}; client: one connection per request")
    on_both_backends(run_backend, arguments, arguments.only)


if __name__ == "__main__":
    main()
