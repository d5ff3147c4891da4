"""The per-number limit holds under parallel bookings, on SQLite and PostgreSQL.

Sixteen real processes book at once, each its own free time, all with one
mobile number; the limit is two coming appointments per agency.  Before, the
count ran before the calendar lock and 9 got through; now it runs under the
lock, so exactly two win — booked ones, or holds waiting for their codes.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment
from booking.engine.clock import HELSINKI
from tests.factories import NOW
from tests.process_race import run_together
from tests.security.limit_race import book_with_the_shared_number

PROCESSES = 16
TIMEOUT_SECONDS = 120
PRELOAD = ["booking.appointments.lifecycle", "booking.data.sessions"]


def sixteen_free_times() -> list[str]:
    """Tuesday and Wednesday 9:00–14:15 every 45 minutes (30 min + 15 min buffer)."""
    starts = []
    for day in (datetime(2026, 3, 3).date(), datetime(2026, 3, 4).date()):
        first = datetime.combine(day, time(9, 0), tzinfo=HELSINKI)
        starts += [(first + timedelta(minutes=45 * n)).isoformat() for n in range(8)]
    return starts


def race(database_url: str, *, hold: bool) -> list[str]:
    return run_together(
        book_with_the_shared_number,
        [(database_url, start, NOW.isoformat(), hold) for start in sixteen_free_times()],
        preload=PRELOAD,
        timeout=TIMEOUT_SECONDS,
    )


@pytest.mark.slow
@pytest.mark.parametrize("hold", [False, True], ids=["booked", "held"])
def test_sixteen_parallel_bookings_with_one_number_end_with_the_limit(
    database_url, session, factory, hold
):
    factory.region()
    outcomes = race(database_url, hold=hold)
    assert sorted(set(outcomes)) == ["limit", "won"], outcomes
    assert outcomes.count("won") == 2
    session.rollback()
    active = session.scalar(
        select(func.count(Appointment.id)).where(Appointment.status.in_(ACTIVE_STATUSES))
    )
    session.rollback()
    assert active == 2
