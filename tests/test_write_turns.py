"""A booking looks before it takes its write locks; SQLite's writers queue for a turn.

What a booking looked at must still hold under its locks: a change of the service,
the point or the agency committed in between makes it look again, and a time taken
in between is refused as taken (both backends).  On SQLite the look is a transaction
that only reads, so another point's booking writes meanwhile; writers wait for their
turn on a file lock beside the database, which a commit, a rollback or closing the
connection gives back (SQLite only).
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from booking.appointments import calendar_locks
from booking.appointments.lifecycle import BookingRequest, NotBookable, SlotTaken, book_appointment
from booking.data.enums import ACTIVE_STATUSES
from booking.data.models import Appointment, Closure, Service
from booking.data.sessions import make_engine, make_session_factory, read_only
from booking.data.sqlite_writers import queue_file
from tests.factories import NOW, Factory

#: Tuesday 2026-03-03 10:00 Helsinki (UTC+2).
TUESDAY_10 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def request_for(point_id: str = "testila", phone: str = "040 123 4567") -> BookingRequest:
    return BookingRequest(
        point_id=point_id,
        service_id="kela-benefits",
        starts_at=TUESDAY_10,
        name="Maija Meikäläinen",
        phone=phone,
    )


@pytest.fixture
def other_session(clean_database):
    session = make_session_factory(clean_database)()
    yield session
    session.close()


@pytest.fixture
def between_look_and_lock(monkeypatch):
    """``between_look_and_lock(change)``: run ``change()`` once, after the next booking
    has looked (on SQLite: and ended its reading transaction) and before it takes its
    write locks."""

    def arrange(change) -> None:
        lock_booking_scopes = calendar_locks.lock_booking_scopes
        pending = [change]

        def lock_after_change(session: Session, *args) -> bool:
            while pending:
                pending.pop()()
            return lock_booking_scopes(session, *args)

        monkeypatch.setattr(calendar_locks, "lock_booking_scopes", lock_after_change)

    return arrange


def active_at(session: Session, point_id: str) -> int:
    return session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.point_id == point_id, Appointment.status.in_(ACTIVE_STATUSES)
        )
    )


def test_another_point_s_booking_between_a_look_and_its_lock_lands_beside_it(
    session, other_session, factory, between_look_and_lock
):
    factory.point("testila")
    factory.point("toinen")
    factory.service("kela-benefits", points=("testila", "toinen"))
    factory.expert("kela-1")
    factory.expert("kela-2")
    other = []
    between_look_and_lock(
        lambda: (
            other.append(
                book_appointment(other_session, request_for("toinen", "040 765 4321"), now=NOW)
            )
            or other_session.commit()
        )
    )
    mine = book_appointment(session, request_for(), now=NOW)
    session.commit()
    assert {mine.appointment.point_id, other[0].appointment.point_id} == {"testila", "toinen"}
    assert active_at(session, "testila") == 1
    assert active_at(session, "toinen") == 1


def take_the_time_elsewhere(other_session: Session) -> None:
    book_appointment(other_session, request_for(phone="040 765 4321"), now=NOW)
    other_session.commit()


def close_the_day(other_session: Session) -> None:
    Factory(other_session).closure("testila", date(2026, 3, 3), reason="Remont")


@pytest.mark.parametrize(
    ("change", "refusal", "left_active"),
    [(take_the_time_elsewhere, SlotTaken, 1), (close_the_day, NotBookable, 0)],
    ids=["time taken", "day closed"],
)
def test_a_change_between_the_look_and_the_lock_refuses_the_booking(
    session, other_session, factory, between_look_and_lock, change, refusal, left_active
):
    factory.region()  # one room, one expert
    between_look_and_lock(lambda: change(other_session))
    with pytest.raises(refusal):
        book_appointment(session, request_for(), now=NOW)
    session.rollback()
    assert active_at(session, "testila") == left_active


def test_a_service_lengthened_between_the_look_and_the_lock_is_booked_at_its_new_length(
    session, other_session, factory, between_look_and_lock
):
    factory.region()

    def lengthen() -> None:
        other_session.get(Service, "kela-benefits").duration_minutes = 60
        other_session.commit()

    between_look_and_lock(lengthen)
    result = book_appointment(session, request_for(), now=NOW)
    session.commit()
    minutes = (result.appointment.ends_at - result.appointment.starts_at).total_seconds() / 60
    assert minutes == 60


def test_a_booking_after_an_unflushed_change_is_one_transaction_with_it(session, factory):
    factory.region()
    session.add(Closure(point_id="testila", closed_on=date(2026, 3, 5), reason="Remont"))
    book_appointment(session, request_for(), now=NOW)
    session.rollback()  # both go, as one transaction
    assert session.scalar(select(func.count(Closure.id))) == 0
    assert active_at(session, "testila") == 0


# Writers' turns (SQLite).


@pytest.fixture
def sqlite_file(tmp_path):
    """An SQLite database of the test's own: its engine and its file's path."""
    path = str(tmp_path / "turns.sqlite3")
    engine = make_engine(f"sqlite:///{path}")
    yield engine, path
    engine.dispose()


def someone_else_may_write(database: str) -> bool:
    """Whether another writer would get its turn now (without waiting for it)."""
    descriptor = os.open(queue_file(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_a_writer_holds_its_turn_until_its_transaction_ends(sqlite_file, ending):
    engine, database = sqlite_file
    connection = engine.connect()
    connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x)")
    connection.commit()
    assert someone_else_may_write(database)
    connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert not someone_else_may_write(database)
    getattr(connection, ending)()
    assert someone_else_may_write(database)
    connection.close()


def test_a_reader_takes_no_turn(sqlite_file):
    engine, database = sqlite_file
    with make_session_factory(engine)() as session:
        with read_only():
            session.connection().exec_driver_sql("SELECT 1")
        assert someone_else_may_write(database)


def test_a_thread_holding_a_turn_does_not_wait_for_itself(sqlite_file):
    engine, database = sqlite_file
    first = engine.connect()
    first.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x)")
    first.commit()
    first.exec_driver_sql("INSERT INTO t VALUES (1)")
    second = engine.connect()
    # SQLite itself answers the second writer of this thread, after its busy timeout
    # (here none, so at once), as it did before writers queued.
    second.connection.dbapi_connection.execute("PRAGMA busy_timeout = 0")
    with pytest.raises(OperationalError, match="locked"):
        second.exec_driver_sql("INSERT INTO t VALUES (2)")
    second.close()
    assert not someone_else_may_write(database)
    first.rollback()
    first.close()
    assert someone_else_may_write(database)
