"""A busy morning: availability reads over the whole region while bookings land.

    .venv/bin/python -m bench.busy_morning [--seconds 5] [--rounds 3] [--bookings-per-second 2]
        [--only sqlite|postgresql] [--postgresql-signal registered|none]
        [--scale region|national] [--future N] [--past N] [--worker-threads 8]

For SQLite (a fresh file) and PostgreSQL (a fresh database, where
``BOOKING_TEST_POSTGRES_URL`` is set) it builds the region-scale data set of
``bench/availability.py`` (15 points, 60 experts, 20,000 future appointments;
with ``--scale national`` the one of ``bench/national.py``: 250 points, 1,998
experts, 1,000,000 future appointments, and 32,768 answers kept per worker;
``--past`` adds that many past appointments, e.g. the national 5,000,000),
serves the app and a bare Flask endpoint from one gunicorn (two workers:
``booking serve``'s own, threaded and keeping connections alive, or sync ones
with ``--worker-threads 0``; ``BOOKING_VERIFY_PHONE=0``, rate limits off; on
PostgreSQL with a calendar signal registered in a scratch directory, as
``booking calendar-signal register`` does for a server whose processes all run
on one machine, unless ``--postgresql-signal none``), reads every URL sixteen
times on average (each worker keeps its own answers: every URL warm in each) and,
while one client books
``--bookings-per-second`` free times through ``POST /api/v1/appointments`` the
whole time, measures with ``wrk`` in rounds:

- bare ``GET /bare/`` (the framework's own limit, under the same bookings);
- the same URL again and again;
- mixed reads: every offered point × service × three months, in turn, twice in a
  row: *first*, which also reads again what the bookings during the two phases
  before emptied, and *steady*, a morning's state, which reads again what the
  bookings during it emptied.

Prints requests per second, each ratio to bare within its round (median of the
rounds), the bookings' latency (median and p95) and how they were answered,
and the machine's load average.  Then the same mixed reads in-process (WSGI test
client, no server; every URL read twice first, then in turn, at least three
times each) with a booking every 500 and every 100 reads: CPU time per read
against a bare request's, a figure a busy machine disturbs less.  Last,
in-process, the "just taken" alternatives (nearest free times at every point
offering the service) with a cold and a warm cache.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import statistics
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from urllib.parse import urlsplit

from sqlalchemy import text

from bench.availability import (
    AVAILABILITY,
    FUTURE,
    analyze,
    elapsed,
    on_each_backend,
    region_with_future,
)
from bench.http_load import (
    LOAD_THREADS,
    fetch,
    in_process,
    load_tool,
    register_bench_signal,
    requests_per_second,
    server_label,
    serving,
)
from bench.national import EXPERTS_PER_AGENCY
from bench.national import POINTS as NATIONAL_POINTS
from bench.region_data import add_appointments
from booking.appointments.alternatives import nearby_alternatives
from booking.data.availability_cache import clear_availability_cache
from booking.data.sessions import make_engine, make_session_factory, read_only
from booking.engine.clock import HELSINKI, utc_now

MONTHS = 3
NATIONAL_FUTURE = 1_000_000
#: Every offered point × service × three months (6,000), each as the API's answer, the
#: range's starts and its point's half, and each point's service: about 20,000.
NATIONAL_CACHE_ENTRIES = 32_768
#: Readings of every URL before the measurements, on average (see ``warm``); spread at
#: random over two workers, they leave about one URL in 1,900 read fewer than twice in
#: one of them.
WARM_PASSES = 16
#: The longest run of the load tool while warming.
WARM_RUN_SECONDS = 20
#: Readings of every URL, at least, in each in-process measurement.
IN_PROCESS_PASSES = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bookings-per-second", type=float, default=2)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--postgresql-signal", choices=["registered", "none"], default="registered")
    parser.add_argument("--scale", choices=["region", "national"], default="region")
    parser.add_argument("--future", type=int, help="coming appointments (default: the scale's)")
    parser.add_argument("--past", type=int, default=0, help="past appointments (default: none)")
    parser.add_argument(
        "--worker-threads", type=int, default=8, help="threads of booking serve's workers (0: sync)"
    )
    args = parser.parse_args()
    os.environ["BOOKING_VERIFY_PHONE"] = "0"
    if args.scale == "national":
        os.environ["BOOKING_AVAILABILITY_CACHE_ENTRIES"] = str(NATIONAL_CACHE_ENTRIES)
    server = server_label(args.worker_threads)
    print(f"server: gunicorn, 2 {server}; reads: {load_tool()}; cores {os.cpu_count()}")
    on_each_backend(args.only, lambda databases: run_backend(databases, args))


def run_backend(databases, args) -> None:
    try:
        started = time.perf_counter()
        url, engine, region, today, added = built(databases, args)
        past = 0
        if args.past:  # the queries are bounded to the asked window: history costs index depth
            past = add_appointments(
                engine, region, first_day=today - timedelta(days=1), count=args.past, past=True
            )
            analyze(engine)
        if engine.dialect.name == "postgresql" and args.postgresql_signal == "registered":
            print(register_bench_signal(engine))
        with engine.connect() as connection:
            offered = sorted(
                connection.execute(text("SELECT point_id, service_id FROM offering")).all()
            )
        engine.dispose()
        print(
            f"built {args.scale} + {added:,} future and {past:,} past appointments"
            f" in {elapsed(started)}"
        )
        paths = month_paths(offered, today)
        measure(url, paths, args)
        in_process_costs(url, paths)
        alternatives_timing(url, offered, today)
    finally:
        databases.drop_all()


def built(databases, args):
    """``region_with_future`` at the asked scale."""
    if args.scale == "national":
        return region_with_future(
            databases,
            "national_morning",
            args.future or NATIONAL_FUTURE,
            points=NATIONAL_POINTS,
            experts_per_agency=EXPERTS_PER_AGENCY,
        )
    return region_with_future(databases, "morning", args.future or FUTURE)


def month_paths(offered: list, today: date) -> list[str]:
    """Every offered (point, service) for each of the next three months."""
    paths = []
    for number in range(MONTHS):
        first = today + timedelta(days=1 + 31 * number)
        last = first + timedelta(days=30)
        paths.extend(
            f"{AVAILABILITY.format(point=point)}?service={service}&from={first}&to={last}"
            for point, service in offered
        )
    return paths


def measure(url: str, paths: list[str], args) -> None:
    with serving(url, threads=args.worker_threads) as base:
        warm(base, paths)
        booker = Booker(base, paths, args.bookings_per_second)
        booker.start()
        # Bookings land the whole time, and the answers the bookings during the other
        # phases emptied are read again in the mixed phase after them: its first
        # seconds pay for those too.  So the mixed reads are measured twice in a row,
        # the second time as a morning reads while bookings land: each booking's
        # answers read again in the seconds after it (the steady state).
        scenarios = {
            "bare Flask hello": ["/bare/"],
            "the same URL": [paths[0]],
            f"mixed reads, {len(paths)} URLs, first": paths,
            f"mixed reads, {len(paths)} URLs, steady": paths,
        }
        rates: dict[str, list[float]] = {name: [] for name in scenarios}
        loads = []
        try:
            for _ in range(args.rounds):
                for name, scenario in scenarios.items():
                    rates[name].append(requests_per_second(base, scenario, args.seconds))
                loads.append(os.getloadavg()[0])
        finally:
            booker.stop()
    bare = rates["bare Flask hello"]
    for name, measured in rates.items():
        ratios = [m / b for m, b in zip(measured, bare, strict=True)]
        print(
            f"   {name:28s} median {statistics.median(measured):7.0f} requests/s"
            f"   ratio to bare {statistics.median(ratios):.2f}"
            f"   rounds {[round(m) for m in measured]} ratios {[round(r, 2) for r in ratios]}"
        )
    print("   budget: mixed ratio (steady) >= 0.3, same URL >= 0.6")
    booker.report()
    print(f"   load average (1 min) after each round: {[round(load, 1) for load in loads]}")


def warm(base: str, paths: list[str]) -> None:
    """Every URL read WARM_PASSES times on average by the load tool, whose threads each
    go through the paths in turn: in runs, each going on where the last stopped.
    Each worker keeps its own answers, and an answer is sent before Flask from its
    third reading in a worker (the first computes it, the second finds it current and
    notes the signal's counts).  A morning's server has been up for a while, so every
    URL is warm in every worker.  Three readings over two workers would leave half
    the URLs of a national morning cold in each worker, and the first round would
    measure their warming."""
    target = WARM_PASSES * len(paths)
    done = start = 0
    rate = target  # unknown yet: the first run, of one second, measures it
    while done < target:
        seconds = max(1, min(WARM_RUN_SECONDS, math.ceil((target - done) / rate)))
        rate = requests_per_second(base, paths[start:] + paths[:start], seconds)
        reads = int(rate * seconds)
        done += reads
        start = (start + reads // LOAD_THREADS) % len(paths)


def in_process_costs(url: str, paths: list[str], reads: int = 3000) -> None:
    """The mixed reads through the WSGI app in this process, a booking through the API
    every so many reads: CPU time per read against a bare request's, which a busy
    machine disturbs less than requests per second.  One booking in 500 reads is two
    a second at 1,000 reads a second.  As in the server, every URL is warm first
    (read twice: an answer is sent before Flask from its third reading on), and the
    reads go through every URL in turn at least three times."""
    reads = max(reads, IN_PROCESS_PASSES * len(paths))
    with in_process(url) as client:
        candidates = free_times_of_client(client, paths)
        for path in paths:
            client.get(path)
        phones = iter(range(5_000_000, 9_999_999))
        started = time.thread_time()
        for _ in range(reads):
            client.get("/bare/")
        bare = (time.thread_time() - started) / reads * 1000
        print(f"-- in-process (WSGI test client), CPU per request: bare {bare:.3f} ms")
        for every in (500, 100):
            spent, booked = 0.0, Counter()
            for number in range(reads):
                if number % every == 0 and candidates:
                    point, service, start = candidates.pop()
                    answer = client.post(
                        "/api/v1/appointments",
                        json=booking_body(point, service, start, f"040{next(phones)}"),
                    )
                    booked[answer.status_code] += 1
                started = time.thread_time()
                client.get(paths[number % len(paths)])
                spent += time.thread_time() - started
            read = spent / reads * 1000
            print(
                f"   mixed reads, one booking per {every:3d} reads: {read:.3f} ms a read,"
                f" bare/this {bare / read:.2f}; bookings {dict(booked)}"
            )


def alternatives_timing(url: str, offered: list, today: date, samples: int = 30) -> None:
    """In-process: the "just taken" alternatives (every point offering the service)
    for random times, with every cached answer forgotten first, then asked again."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    rng = random.Random(5)
    now = utc_now()
    cold, warm = [], []
    for _ in range(samples):
        point, service = rng.choice(offered)
        day = today + timedelta(days=rng.randint(2, 40))
        around = datetime.combine(day, dt_time(10, 30), tzinfo=HELSINKI)
        clear_availability_cache()
        for timings in (cold, warm):
            with read_only(), sessions() as session:
                began = time.perf_counter()
                nearby_alternatives(session, point, service, around, now=now)
                timings.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    for label, timings in (("cold cache", cold), ("warm cache", warm)):
        timings.sort()
        print(
            f"   alternatives across all points, {label}: median {statistics.median(timings):.1f}"
            f" ms, p95 {timings[int(len(timings) * 0.95)]:.1f} ms, max {timings[-1]:.1f} ms"
            f" ({samples} samples; budget 20 ms)"
        )


class Booker(threading.Thread):
    """Books free times through the API at a steady pace, times every answer."""

    def __init__(self, base: str, paths: list[str], per_second: float):
        super().__init__(daemon=True)
        self.base, self.interval = base, 1 / per_second
        self.candidates = free_times_of(base, paths)
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.stopping = threading.Event()
        self.phones = iter(range(1_000_000, 9_999_999))

    def run(self) -> None:
        next_at = time.perf_counter()
        while not self.stopping.is_set() and self.candidates:
            point, service, start = self.candidates.pop()
            body = booking_body(point, service, start, f"040{next(self.phones)}")
            began = time.perf_counter()
            status = post(self.base, "/api/v1/appointments", body)
            self.latencies.append((time.perf_counter() - began) * 1000)
            self.statuses[status] += 1
            next_at += self.interval
            self.stopping.wait(max(0.0, next_at - time.perf_counter()))

    def stop(self) -> None:
        self.stopping.set()
        self.join()

    def report(self) -> None:
        latencies = sorted(self.latencies)
        if not latencies:
            print("   no bookings made")
            return
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        print(
            f"   bookings during the run: {len(latencies)} {dict(self.statuses)}; latency median "
            f"{statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
        )


def booking_body(point: str, service: str, start: str, phone: str) -> dict:
    return {
        "point": point,
        "service": service,
        "start": start,
        "name": "Aamu Varaaja",
        "phone": phone,
        "language": "fi",
    }


def free_times_of(base: str, paths: list[str]) -> list[tuple[str, str, str]]:
    """(point, service, start) of every free time the paths offer, shuffled."""
    return shuffled_times(json.loads(fetch(base + path)) for path in paths)


def free_times_of_client(client, paths: list[str]) -> list[tuple[str, str, str]]:
    return shuffled_times(json.loads(client.get(path).data) for path in paths)


def shuffled_times(answers) -> list[tuple[str, str, str]]:
    found = []
    for answer in answers:
        found.extend((answer["point"], answer["service"], start) for start in answer["times"])
    random.Random(13).shuffle(found)
    return found


def post(base: str, path: str, body: dict) -> int:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request(
            "POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


if __name__ == "__main__":
    main()
