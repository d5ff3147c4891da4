"""What a change of the calendar costs at region scale: closing the busiest point for a week.

    .venv/bin/python -m bench.region_changes [--future 20000] [--rounds 3]
        [--only sqlite|postgresql]

Builds a fresh SQLite database (and a PostgreSQL one where
``BOOKING_TEST_POSTGRES_URL`` is set) with the region of ``bench/region_data.py``
(15 points, 60 experts) and ``--future`` coming appointments.  Then, for the
point with the most bookings in the coming week, it closes each of that week's
days and times:

- finding the hit appointments alone (``impossible_appointments`` over every
  coming booking of the point, not just that week's);
- the whole change with its consequences, every hit booking cancelled with its
  outbox rows and audit entries, rolled back (what the admin's preview and
  ``booking region import --dry-run`` do);
- the same, committed.

And the same for the busiest expert absent for that week, where each hit call
is first offered to a free colleague (the slot engine asked per call), and for
the region's short days made to close at 11:00 instead of 13:00 (only the
coming short days are checked, at every point).  The
rolled-back figures are medians of ``--rounds`` runs; the committed one runs
once, last.  Measured in two runs on the 2-core shared machine (20,000 coming
bookings, load average 5–6): closing Keuruu for a week hits 77 bookings, all
cancelled — about 0.4–0.8 s on SQLite and 0.9–1.2 s on PostgreSQL; a week's
absence of the busiest expert hits 15 calls, all kept with colleagues — about
70–130 ms on SQLite, 160–240 ms on PostgreSQL; the short days closing at 11:00
hit 890 bookings on five days, all cancelled — finding them takes about 0.1 s,
cancelling them 4–9 s on SQLite and 9–14 s on PostgreSQL (about 10 ms a
cancellation: its fact, outbox rows and revisions, four flushes each).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

from sqlalchemy import func, select, text

from bench.region_data import add_appointments, build_region
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import FinnishCalendar, ShortDayRules
from booking.engine.clock import HELSINKI, utc_now
from booking.region.calendar_changes import add_absence, close_point
from booking.region.consequences import Outcome
from booking.region.short_day_changes import set_short_days, shortened_scope
from booking.region.validity import Scope, impossible_appointments
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database

#: The short days every point closes earlier on, at region scale: at 11:00, not 13:00.
SHORTER = dt_time(11, 0)
SHORT_DAYS = ("maundy_thursday", "04-30", "12-05", "12-23", "12-31")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--future", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="booking-bench-"))
    try:
        if args.only != "postgresql":
            print("== SQLite")
            run(f"sqlite:///{workdir / 'region.sqlite3'}", args)
        server = os.environ.get("BOOKING_TEST_POSTGRES_URL")
        if server and args.only != "sqlite":
            print("\n== PostgreSQL")
            url = create_scratch_database(server, "booking_bench")
            try:
                run(url, args)
            finally:
                drop_scratch_database(server, url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(url: str, args) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    region = build_region(engine)
    now = utc_now()
    first_day = now.astimezone(HELSINKI).date() + timedelta(days=1)
    started = time.perf_counter()
    added = add_appointments(engine, region, first_day=first_day, count=args.future, past=False)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"region + {added:,} coming appointments in {time.perf_counter() - started:.1f} s")
    sessions = make_session_factory(engine)
    week = [first_day + timedelta(days=n) for n in range(7)]
    week_end = datetime.combine(week[-1] + timedelta(days=1), datetime.min.time(), HELSINKI)
    with sessions() as session:
        point_id, point_count = busiest(session, Appointment.point_id, now, week_end)
        expert_id, expert_count = busiest(session, Appointment.expert_id, now, week_end)
        session.rollback()

    def close_week(session):
        return [
            fate
            for day in week
            for fate in close_point(
                session, point_id, day, reason="Remontti", now=now, by_user_id=None
            ).fates
        ]

    def absent_week(session):
        starts_at = datetime.combine(week[0], datetime.min.time(), HELSINKI)
        return add_absence(
            session, expert_id, starts_at, week_end, reason="loma", now=now, by_user_id=None
        ).fates

    print(f"-- closing {point_id} for a week: {point_count} bookings that week")
    measure(sessions, close_week, Scope(point_ids=frozenset({point_id})), now, args.rounds)
    print(f"-- expert {expert_id} absent for a week: {expert_count} calls that week")
    measure(sessions, absent_week, Scope(expert_ids=frozenset({expert_id})), now, args.rounds)

    def shorter_short_days(session):
        return set_short_days(session, SHORTER, SHORT_DAYS, now=now, by_user_id=None).fates

    with sessions() as session:
        before = region_calendar(session)
        after = FinnishCalendar(ShortDayRules.named(SHORTER, SHORT_DAYS))
        scope = shortened_scope(session, before, after, now)
        coming = session.scalar(
            select(func.count()).where(
                Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > now
            )
        )
        session.rollback()
    days = ", ".join(f"{since + timedelta(hours=14):%d.%m.}" for since, _ in scope.windows)
    print(f"-- short days close at {SHORTER:%H:%M} (of {coming:,} coming bookings): {days or '-'}")
    measure(sessions, shorter_short_days, scope, now, args.rounds)
    engine.dispose()


def busiest(session, column, now, until):
    return session.execute(
        select(column, func.count())
        .where(
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
            Appointment.starts_at < until,
        )
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(1)
    ).one()


def measure(sessions, change, scope: Scope, now, rounds: int) -> None:
    """``rounds`` rolled-back runs (the calendar stays as it was), then one committed."""
    finding, preview = [], []
    with sessions() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            impossible_appointments(session, now=now, scope=scope)
            finding.append(time.perf_counter() - started)
            session.rollback()
            started = time.perf_counter()
            change(session)
            session.rollback()
            preview.append(time.perf_counter() - started)
        started = time.perf_counter()
        fates = change(session)
        session.commit()
        applying = time.perf_counter() - started
    outcomes = {o: sum(1 for f in fates if f.outcome is o) for o in Outcome}
    print(f"   fates: {', '.join(f'{n} {o.value}' for o, n in outcomes.items())}")
    print(f"   find the hit bookings                  median {_ms(finding)}")
    print(f"   change + consequences, rolled back     median {_ms(preview)}")
    print(f"   change + consequences, committed       once   {applying * 1000:8.1f} ms")


def _ms(figures: list[float]) -> str:
    return f"{statistics.median(figures) * 1000:8.1f} ms"


if __name__ == "__main__":
    main()
