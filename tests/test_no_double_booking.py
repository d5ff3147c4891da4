"""No double booking across processes, on SQLite and on PostgreSQL.

Eight real processes book the same and overlapping times at once:
two services of different lengths sharing one room, one expert serving two
points.  Afterwards SQL finds no two active appointments overlapping on a room
or an expert; every attempt either won or was told "just taken" — no other
error, no "database is locked".  Half of the processes go through the whole
use case (and move some of what they won onto contested times; two of them
only hold their times, as an online booking does until its code is typed); the
other half have the friendly check switched off, so that between them and the
rest only the database's own guard decides.
"""

from __future__ import annotations

import multiprocessing
import queue
from datetime import datetime, time

import pytest
from sqlalchemy import bindparam, func, select, text

from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment
from booking.engine.clock import HELSINKI
from tests.booking_race import run_attempts
from tests.factories import NOW

PROCESSES = 8
ATTEMPTS_PER_PROCESS = 24
RACE_TIMEOUT_SECONDS = 120
PRELOAD = [
    "booking.appointments.lifecycle",
    "booking.data.availability",
    "booking.data.sessions",
    "booking.messages.outbox",
]

OVERLAPS = text(
    """
    SELECT count(*) FROM appointment AS a JOIN appointment AS b
      ON a.id < b.id
     AND (a.room_id = b.room_id OR a.expert_id = b.expert_id)
     AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until
    WHERE a.status IN :active AND b.status IN :active
    """
).bindparams(bindparam("active", [status.value for status in ACTIVE_STATUSES], expanding=True))


@pytest.fixture
def contested(factory):
    """Two points with one room each; a 30- and a 45-minute service at both, sharing
    the room; one expert doing both services at both points (and a second expert
    for the 45-minute service only), all on Tuesday 2026-03-03."""
    factory.point("alpha", name="Alpha")
    factory.point("beta", name="Beta")
    factory.service("kela-benefits", points=("alpha", "beta"), duration_minutes=30)
    factory.service("kela-families", points=("alpha", "beta"), duration_minutes=45)
    shared = factory.expert("kela-shared", services=("kela-benefits", "kela-families"))
    factory.expert("kela-families-only", services=("kela-families",))
    return shared


def attempt_plan(worker: int) -> list[tuple[str, str, str]]:
    """Every third (point, service, start) of Tuesday 9:00–14:15, by start time.
    Workers 0, 3 and 6 share a list (they collide on the same times at once); the
    others' lists are 15 or 30 minutes off (they collide on overlapping times)."""
    day = datetime(2026, 3, 3).date()
    plan = []
    for minutes in range(9 * 60, 14 * 60 + 30, 15):
        start = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=HELSINKI)
        for point in ("alpha", "beta"):
            for service in ("kela-benefits", "kela-families"):
                plan.append((point, service, start.isoformat()))
    return plan[worker % 3 :: 3][:ATTEMPTS_PER_PROCESS]


def race(database_url: str, *, expert_id: int) -> list[str]:
    """Run the race; odd workers skip the friendly check (database guard only)."""
    # A fork server is a fresh process (no connections or locks inherited from the
    # test); preloading the app's modules there spares each of the eight
    # processes a second of imports on a two-core machine.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "tests.booking_race", *PRELOAD])
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    processes = [
        context.Process(
            target=run_attempts,
            args=(
                database_url,
                worker,
                attempt_plan(worker),
                NOW.isoformat(),
                worker % 2 == 1,
                expert_id,
                barrier,
                results,
            ),
        )
        for worker in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes: list[str] = []
    try:
        for _ in processes:
            _worker, worker_outcomes, _seconds = results.get(timeout=RACE_TIMEOUT_SECONDS)
            outcomes.extend(outcome for _attempt, outcome in worker_outcomes)
    except queue.Empty:
        pytest.fail("a booking process did not finish")
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return outcomes


def assert_no_overlaps_and_clean_losses(session, outcomes: list[str]) -> None:
    expected = {"won", "taken", "move won", "move taken"}
    errors = [outcome for outcome in outcomes if outcome not in expected]
    assert errors == []
    bookings = [outcome for outcome in outcomes if not outcome.startswith("move")]
    assert len(bookings) == PROCESSES * ATTEMPTS_PER_PROCESS
    # Moves race too whenever a moving worker won a time first: which worker wins is
    # the race's own, so a run where the guard-only workers took every time has none.
    session.rollback()
    assert session.execute(OVERLAPS).scalar() == 0
    booked = session.scalar(select(func.count(Appointment.id)))
    assert outcomes.count("won") == booked
    assert booked > 1  # the race had winners on several times, not one
    assert outcomes.count("taken") > 0


@pytest.mark.slow
def test_eight_processes_booking_at_once_never_overlap(database_url, session, contested):
    outcomes = race(database_url, expert_id=contested.id)
    assert_no_overlaps_and_clean_losses(session, outcomes)
