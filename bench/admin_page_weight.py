"""How heavy the administrators' offerings matrix is at region scale, and how fast.

    .venv/bin/python -m bench.admin_page_weight [--iterations 30]

Loads the shipped region file (15 points × all its services) into a fresh
SQLite database, signs a region administrator in (Finnish, her pages'
language) and fetches ``/admin/offerings``: prints the HTML's size, gzipped
(levels 6 and 9, as a reverse proxy would send it), per cell, and the median
time to answer it in-process.  The other admin pages of the region are listed
beside it for scale.  The size does not depend on the database: SQLite only.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import time

from bench.http_load import BENCH_SECRET_KEY
from bench.region_data import shipped_region_database
from booking.data.sessions import make_engine, make_session_factory
from booking.staff.accounts import add_staff_user

EMAIL, PASSWORD = "admin@kunta.fi", "bench-password-not-secret"
PAGES = ("/admin/offerings", "/admin/", "/admin/short-days", "/admin/experts")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=30)
    iterations = parser.parse_args().iterations
    url, region = shipped_region_database("booking-bench-pages-")
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        add_staff_user(session, role="admin", email=EMAIL, password=PASSWORD)
        session.commit()
    os.environ.update(BOOKING_DATABASE_URL=url, BOOKING_SECRET_KEY=BENCH_SECRET_KEY)
    from booking.app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False, "BOOKING_RATELIMIT_ENABLED": False})
    client = app.test_client()
    signed_in = client.post("/staff/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.status_code
    points, services = len(region.points), len(region.services)
    print(f"shipped region: {points} points × {services} services = {points * services} cells")
    print(f"{'page':20} {'HTML':>9} {'gzip -6':>9} {'gzip -9':>9} {'median':>10}")
    for path in PAGES:
        body = fetch(client, path)
        times = []
        for _ in range(iterations):
            started = time.perf_counter()
            fetch(client, path)
            times.append(time.perf_counter() - started)
        print(
            f"{path:20} {len(body):9,} {len(gzip.compress(body, 6)):9,}"
            f" {len(gzip.compress(body, 9)):9,} {statistics.median(times) * 1000:7.1f} ms"
        )
        if path == "/admin/offerings":
            cells = len(re.findall(rb"<td><a ", body))
            assert cells == points * services, cells
            print(f"{'':20} {len(body) / cells:9.0f} bytes of HTML a cell")
    engine.dispose()


def fetch(client, path: str) -> bytes:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.get_data()


if __name__ == "__main__":
    main()
