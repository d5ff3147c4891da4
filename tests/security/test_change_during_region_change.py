"""A citizen's change that meets an administrator's calendar change waits its turn.

On PostgreSQL a calendar change (closing a point for a day) holds the region's
row FOR UPDATE and its point's revision row, then locks the appointments it
cancels one by one.  A citizen cancelling one of them at that moment takes the
same locks in the same order — region, point and agency, number, appointment —
so it waits for the change holding nothing, then finds the appointment already
cancelled: a clear refusal, never a deadlock that PostgreSQL would end by
killing one of the two.  (Had the citizen locked the appointment first, each
would wait for the other.)

The interleaving is forced, not hoped for: a third connection holds the first
appointment the change reaches, the citizen starts while the change waits for
it, and is let go once both wait.  SQLite has one write lock: nothing to show.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import select, text

from booking.appointments.errors import BookingError
from booking.appointments.lifecycle import cancel_appointment
from booking.data.models import Appointment
from booking.data.sessions import make_session_factory
from booking.engine.clock import HELSINKI
from booking.region.calendar_changes import close_point
from tests.factories import NOW

pytestmark = pytest.mark.slow

TUESDAY = datetime(2026, 3, 3, 10, 0, tzinfo=HELSINKI)
WAIT_SECONDS = 10


def waiting_for_locks(session) -> int:
    """How many other connections to this database wait for a lock right now (read in a
    transaction of its own: PostgreSQL keeps one view of its activity per transaction)."""
    with session.begin():
        return session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        )


def until(condition, what: str, outcomes: dict) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"never came to pass: {what}; so far {outcomes}"
        time.sleep(0.02)  # polling the database's own view of who waits


def in_thread(outcomes: dict, name: str, work) -> threading.Thread:
    def run():
        try:
            outcomes[name] = work()
        except BookingError as refusal:
            outcomes[name] = f"refused: {refusal.code}"
        except Exception as error:  # reported to the test, which fails on it
            outcomes[name] = f"error: {type(error).__name__}: {str(error)[:200]}"

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# PostgreSQL only: SQLite's one write lock lets one writer in at a time.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_citizen_cancelling_during_a_closure_is_refused_not_deadlocked(
    clean_database, session, factory
):
    world = factory.region()
    first, second = (
        factory.appointment(
            point=world["point"], service=world["service"], starts_at=TUESDAY.replace(hour=hour)
        ).id
        for hour in (10, 13)
    )
    sessions = make_session_factory(clean_database)
    holder, admin, citizen, watcher = sessions(), sessions(), sessions(), sessions()
    holder.execute(select(Appointment.id).where(Appointment.id == first).with_for_update())
    outcomes: dict[str, object] = {}
    threads: list[threading.Thread] = []

    def close_tuesday():
        change = close_point(admin, "testila", TUESDAY.date(), now=NOW, by_user_id=None)
        admin.commit()
        return sorted(fate.outcome.value for fate in change.fates)

    def cancel_the_second():
        cancel_appointment(citizen, citizen.get(Appointment, second), now=NOW)
        citizen.commit()
        return "cancelled"

    try:
        threads.append(in_thread(outcomes, "admin", close_tuesday))
        until(lambda: waiting_for_locks(watcher) == 1, "the closure waits for the first", outcomes)
        threads.append(in_thread(outcomes, "citizen", cancel_the_second))
        until(lambda: waiting_for_locks(watcher) == 2, "the citizen waits too", outcomes)
    finally:
        holder.rollback()
        for thread in threads:
            thread.join(WAIT_SECONDS)
        for opened in (holder, admin, citizen, watcher):
            opened.close()

    assert outcomes == {
        "admin": ["cancelled", "cancelled"],
        "citizen": "refused: invalid_transition",
    }
