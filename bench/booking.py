"""Booking benchmark: bookings per second over HTTP, and 200 at one time.

    .venv/bin/python -m bench.booking [--seconds 5] [--rounds 3] [--threads 8] [--crowd 200]

For SQLite (a fresh file) and PostgreSQL (a fresh database, where
``BOOKING_TEST_POSTGRES_URL`` is set) it builds a small region with room for
thousands of bookings (15 points with two rooms each, one 30-minute service
everywhere, 30 experts), serves the app and a bare Flask endpoint from one
gunicorn (``bench/serve_both.py``, ``booking serve``'s server class, two sync
workers, rate limits off) and prints:

- bookings of distinct free times per second (``POST /api/v1/appointments``,
  each a 201) against bare ``GET /bare/`` requests per second, with the same
  bounded client (``--threads`` threads, one connection per request) — a ratio
  measured in one run;
- 200 simultaneous attempts on one time: how many won (must be 1), how many
  were told "just taken" (409), anything else, and how long until all were
  answered.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import bindparam, func, select, text

from bench.http_load import serving
from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.engine.calendar_rules import DEFAULT_CALENDAR
from booking.engine.clock import HELSINKI, utc_now
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from tests.factories import Factory

POINTS = 15
ROOMS_PER_POINT = 2
EXPERTS = POINTS * ROOMS_PER_POINT
SERVICE = "kela-benefits"
CROWD_POINT = "crowd-point"
#: One booking holds a room and an expert 30 + 15 minutes; these starts never touch.
STARTS = [(9, 0), (9, 45), (10, 30), (11, 15), (12, 0), (12, 45), (13, 30), (14, 15)]
OVERLAPS = text(
    """SELECT count(*) FROM appointment AS a JOIN appointment AS b
         ON a.id < b.id AND (a.room_id = b.room_id OR a.expert_id = b.expert_id)
        AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until
      WHERE a.status IN :active AND b.status IN :active"""
).bindparams(bindparam("active", [status.value for status in ACTIVE_STATUSES], expanding=True))


def build_world(url: str) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    session = make_session_factory(engine)()
    factory = Factory(session)
    points = [f"point-{n:02d}" for n in range(POINTS)]
    for point in points:
        factory.point(point, rooms=ROOMS_PER_POINT)
    # One room: exactly one of a crowd on one time can win there.
    factory.point(CROWD_POINT, rooms=1)
    factory.service(SERVICE, points=(*points, CROWD_POINT), horizon_days=90, min_notice_minutes=60)
    for number in range(EXPERTS):
        factory.expert(f"expert-{number:02d}", services=(SERVICE,))
    session.close()
    engine.dispose()


def bookable_days(first: date, count: int) -> list[date]:
    """Weekdays from ``first`` that are neither holidays nor short days."""
    days, day = [], first
    while len(days) < count:
        if (
            day.weekday() < 5
            and not DEFAULT_CALENDAR.is_holiday(day)
            and DEFAULT_CALENDAR.short_day_closes(day) is None
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def distinct_bookings(days: list[date]) -> Iterator[dict]:
    """Bodies for distinct free times: per day and start, every room of every point."""
    phones = itertools.count(1_000_000)
    for day in days:
        for hour, minute in STARTS:
            start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)
            for _room in range(ROOMS_PER_POINT):
                for point in range(POINTS):
                    yield booking_body(f"point-{point:02d}", start, f"040{next(phones)}")


def booking_body(point: str, start: datetime, phone: str) -> dict:
    return {
        "point": point,
        "service": SERVICE,
        "start": start.isoformat(),
        "name": "Benkki Varaaja",
        "phone": phone,
        "language": "fi",
    }


def request(base: str, method: str, path: str, body: dict | None = None) -> int:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        connection.request(method, path, body=payload, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def per_second(base: str, seconds: float, threads: int, next_call) -> tuple[float, Counter]:
    """Calls per second of ``next_call()`` → (method, path, body), by ``threads`` threads."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                call = next_call()
            status = request(base, *call)
            with lock:
                statuses[status] += 1

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(statuses.values()) / (time.perf_counter() - started), statuses


def crowd_on_one_time(base: str, crowd: int, start: datetime) -> None:
    """``crowd`` clients, each on its own connection, all released at once on one time."""
    barrier = threading.Barrier(crowd)
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()
    released = [0.0]

    def client(number: int) -> None:
        body = booking_body(CROWD_POINT, start, f"050{2_000_000 + number}")
        if barrier.wait() == 0:
            released[0] = time.perf_counter()
        try:
            status = request(base, "POST", "/api/v1/appointments", body)
        except OSError as error:
            status = f"{type(error).__name__}"
        with lock:
            answers.append((status, time.perf_counter()))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(crowd)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    statuses = Counter(status for status, _ in answers)
    waits = sorted(at - released[0] for _, at in answers)
    won, taken = statuses.pop(201, 0), statuses.pop(409, 0)
    print(
        f"  {crowd} simultaneous attempts on one time: won {won}, just taken (409) {taken}, "
        f"other {sum(statuses.values())} {dict(statuses) if statuses else ''}"
    )
    print(
        f"  all answered after {waits[-1]:.2f} s (median answer {statistics.median(waits):.2f} s)"
    )


def run_backend(label: str, url: str, args: argparse.Namespace) -> None:
    print(f"\n{label}")
    build_world(url)
    today = utc_now().astimezone(HELSINKI).date()
    days = bookable_days(today + timedelta(days=2), 40)
    bodies = distinct_bookings(days[1:])
    with serving(url) as base:
        # Warm both workers up (imports, first queries) before measuring.
        for _ in range(4):
            request(base, "GET", "/bare/")
            request(base, "GET", "/api/v1/health")
        ratios = []
        # Alternate the two in rounds: the machine's other load drifts, the ratio less so.
        for round_number in range(1, args.rounds + 1):
            bare, bare_statuses = per_second(
                base, args.seconds, args.threads, lambda: ("GET", "/bare/", None)
            )
            booked, statuses = per_second(
                base,
                args.seconds,
                args.threads,
                lambda: ("POST", "/api/v1/appointments", next(bodies)),
            )
            ratios.append(booked / bare)
            print(
                f"  round {round_number}: bare GET /bare/ {bare:.0f}/s {dict(bare_statuses)}; "
                f"bookings of distinct times {booked:.1f}/s {dict(statuses)}; "
                f"ratio {booked / bare:.3f}"
            )
        print(f"  median ratio bookings/bare: {statistics.median(ratios):.3f}")
        first = days[0]
        crowd_on_one_time(
            base, args.crowd, datetime(first.year, first.month, first.day, 10, 30, tzinfo=HELSINKI)
        )
    print_overlaps(url)


def print_overlaps(url: str) -> None:
    """How many appointments are stored and how many active pairs overlap (must be 0)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        overlaps = connection.execute(OVERLAPS).scalar()
        stored = connection.execute(select(func.count(Appointment.id))).scalar()
    engine.dispose()
    print(f"  appointments stored {stored}, overlapping pairs {overlaps}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--crowd", type=int, default=200)
    arguments = parser.parse_args()
    print(
        f"client: {arguments.threads} threads, one connection per request; "
        "server: gunicorn, 2 sync workers"
    )
    on_both_backends(run_backend, arguments)


def on_both_backends(run, arguments, only: str | None = None) -> None:
    """``run(label, url, arguments)`` on a fresh SQLite file, then on a fresh PostgreSQL
    database where ``BOOKING_TEST_POSTGRES_URL`` is set; ``only`` picks one."""
    if only != "postgresql":
        with tempfile.TemporaryDirectory(prefix="booking-bench-") as folder:
            run("SQLite", f"sqlite:///{folder}/bench-{uuid.uuid4().hex[:8]}.sqlite3", arguments)
    server = os.environ.get("BOOKING_TEST_POSTGRES_URL")
    if only == "sqlite":
        return
    if not server:
        print("\nPostgreSQL: skipped (set BOOKING_TEST_POSTGRES_URL)")
        return
    url = create_scratch_database(server, "booking_bench")
    try:
        run("PostgreSQL", url, arguments)
    finally:
        drop_scratch_database(server, url)


if __name__ == "__main__":
    main()
