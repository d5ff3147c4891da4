"""The front page's finder, in-process: cold and warm answers against a bare Flask "hello".

    .venv/bin/python -m bench.finder [--iterations 50]

Loads the shipped region file into a fresh SQLite database and times, in one
run and in turns, ``GET /nearest?where=40100&agency=kela`` (the five nearest
points and Kela's earliest time at each) with the availability cache emptied
before each call (cold) and with it filled (warm), the front page, and a bare
Flask endpoint; prints medians in milliseconds and each ratio to the bare one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from werkzeug.test import Client

from bench.http_load import BENCH_SECRET_KEY
from bench.region_data import shipped_region_database
from bench.serve_both import bare_app
from booking.data.availability import clear_availability_cache

FINDER = "/nearest?where=40100&agency=kela&lang=fi"


def median_ms(client: Client, path: str, iterations: int, before=None) -> float:
    times = []
    for _ in range(iterations):
        if before:
            before()
        started = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, (path, answer.status_code)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=50)
    iterations = parser.parse_args().iterations
    url, _region = shipped_region_database("booking-bench-finder-")
    os.environ.update(BOOKING_DATABASE_URL=url, BOOKING_SECRET_KEY=BENCH_SECRET_KEY)
    from booking.app import create_app

    app = Client(create_app())
    bare = Client(bare_app())
    for client, path in ((app, FINDER), (app, "/"), (bare, "/")):
        median_ms(client, path, 3)  # warm up imports and templates
    figures = {
        "bare Flask": median_ms(bare, "/", iterations),
        "front page": median_ms(app, "/", iterations),
        "finder, warm": median_ms(app, FINDER, iterations),
        "finder, cold": median_ms(app, FINDER, iterations, clear_availability_cache),
    }
    print(f"{FINDER}, shipped region (15 points, no appointments), {iterations} runs each")
    for name, ms in figures.items():
        print(f"  {name:14} {ms:8.2f} ms  {ms / figures['bare Flask']:7.1f} × bare Flask")


if __name__ == "__main__":
    main()
