"""Cached availability after changes committed by another process.

Each test fills this process's caches (the data layer's and the API's answer
bytes, each through its own engine) and then lets a separate Python process
book, move, cancel, hold or change the calendar through the use cases and the
ORM, as the web workers and the admin pages do.  No cached answer may offer a
time that change took; a change elsewhere in the region leaves the answer to
come from the cache.  Each test runs on SQLite (its signal beside the
database) and on PostgreSQL (no signal); ``test_cache_with_registered_signal.py``
runs them again on PostgreSQL with a calendar signal registered.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from booking.data import availability as calendars
from booking.data import range_halves
from booking.data.models import Appointment, Room
from booking.engine.clock import HELSINKI, utc_now
from tests.factories import NOW

WEDNESDAY = date(2026, 3, 4)  # NOW is Monday 2.3.2026 10:00 Helsinki
PROJECT = Path(__file__).resolve().parent.parent

CHANGE = """
import json, sys
from datetime import date, datetime
from booking.appointments.holds import HoldPolicy
from booking.appointments.lifecycle import (
    BookingRequest, book_appointment, cancel_appointment, move_appointment,
)
from booking.data.models import Appointment, Closure, ExpertAbsence
from booking.data.sessions import make_engine, make_session_factory

url, action, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
now = datetime.fromisoformat(args["now"])
engine = make_engine(url)
with make_session_factory(engine)() as session:
    if action in ("book", "hold"):
        request = BookingRequest(
            point_id=args["point"], service_id=args["service"],
            starts_at=datetime.fromisoformat(args["start"]),
            name="Toinen Prosessi", phone="0401234567",
        )
        hold = HoldPolicy(10) if action == "hold" else None
        book_appointment(session, request, now=now, hold=hold)
    elif action == "move":
        appointment = session.get(Appointment, args["id"])
        move_appointment(session, appointment, datetime.fromisoformat(args["start"]), now=now)
    elif action == "cancel":
        cancel_appointment(session, session.get(Appointment, args["id"]), now=now)
    elif action == "closure":
        session.add(Closure(point_id=args["point"], closed_on=date.fromisoformat(args["day"])))
    elif action == "absence":
        session.add(ExpertAbsence(
            expert_id=args["expert"], starts_at=datetime.fromisoformat(args["start"]),
            ends_at=datetime.fromisoformat(args["end"]), reason="",
        ))
    session.commit()
engine.dispose()
"""


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(WEDNESDAY, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def in_another_process(engine, action: str, **args) -> None:
    args = {"now": NOW.isoformat(), **args}
    subprocess.run(
        [
            sys.executable,
            "-c",
            CHANGE,
            engine.url.render_as_string(hide_password=False),
            action,
            json.dumps(args, default=str),
        ],
        check=True,
        cwd=PROJECT,
        timeout=120,
    )


def offered(session, client) -> tuple[list[str], list[str]]:
    """Wednesday's times at Testilä for Kela, from ``free_times`` and from the API."""
    session.rollback()  # a new transaction sees what others committed
    now = utc_now()
    direct = calendars.free_times(session, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY, now)
    session.rollback()  # and holds no lock while another process writes
    path = f"/api/v1/points/testila/availability?service=kela-benefits&from={WEDNESDAY}"
    # Asked twice: the second answer comes from the cache, which then knows the calendar
    # signal's counts, so the next question after a change meets the signal first.
    answer, again = client.get(f"{path}&to={WEDNESDAY}"), client.get(f"{path}&to={WEDNESDAY}")
    assert answer.status_code == again.status_code == 200
    assert again.data == answer.data
    via_api = [moment[11:16] for moment in answer.get_json()["times"]]
    return [s.astimezone(HELSINKI).strftime("%H:%M") for s in direct], via_api


@pytest.fixture
def signal(engine) -> str:
    """How the calendar signal stands: beside SQLite, none on PostgreSQL (a registered
    one: ``test_cache_with_registered_signal.py``)."""
    return "beside" if engine.dialect.name == "sqlite" else "none"


@pytest.fixture
def world(factory, signal):
    """Testilä (one room) and Toinen offer Kela's service; one Kela expert serves both;
    Vero also serves at Testilä, with an expert of its own."""
    factory.point("testila")
    factory.point("toinen", municipality="toinen")
    factory.service(points=("testila", "toinen"))
    factory.service("vero-advice", agency="vero", points=("testila",))
    kela = factory.expert("kela-anna").id
    factory.expert("vero-ville", agency="vero", services=("vero-advice",))
    factory.session.commit()
    return {"kela": kela}


def both_offer(session, client, moment: str, expected: bool = True) -> None:
    direct, via_api = offered(session, client)
    assert (moment in direct) is expected
    assert (moment in via_api) is expected


def only_appointment_id(session) -> int:
    appointment_id = session.query(Appointment.id).scalar()
    session.rollback()
    return appointment_id


def booking_args(point: str, service: str, hour: int) -> dict:
    return {"point": point, "service": service, "start": at(hour).isoformat()}


@pytest.mark.parametrize(
    "point, service",
    [
        ("testila", "kela-benefits"),  # the point's room and the agency's expert
        ("toinen", "kela-benefits"),  # the same expert, at another point
        ("testila", "vero-advice"),  # the point's one room, for another agency
    ],
)
def test_a_booking_in_another_process_is_never_offered(
    session, engine, world, client, clock, point, service
):
    both_offer(session, client, "10:00")
    in_another_process(engine, "book", **booking_args(point, service, 10))
    both_offer(session, client, "10:00", expected=False)


def test_a_move_in_another_process_takes_the_new_time_and_frees_the_old(
    session, engine, world, client, clock
):
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 11))
    both_offer(session, client, "11:00", expected=False)
    both_offer(session, client, "10:00")
    in_another_process(engine, "move", id=only_appointment_id(session), start=at(10).isoformat())
    both_offer(session, client, "10:00", expected=False)
    both_offer(session, client, "11:00")


def test_a_cancellation_in_another_process_offers_the_time_again(
    session, engine, world, client, clock
):
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    both_offer(session, client, "10:00", expected=False)
    in_another_process(engine, "cancel", id=only_appointment_id(session))
    both_offer(session, client, "10:00")


def test_admin_changes_in_another_process_are_never_served_stale(
    session, engine, world, client, clock
):
    both_offer(session, client, "10:00")
    in_another_process(
        engine,
        "absence",
        expert=world["kela"],
        start=at(9, 30).isoformat(),
        end=at(10, 30).isoformat(),
    )
    both_offer(session, client, "10:00", expected=False)
    both_offer(session, client, "13:00")
    in_another_process(engine, "closure", point="testila", day=WEDNESDAY.isoformat())
    assert offered(session, client) == ([], [])


def test_a_hold_made_elsewhere_is_busy_until_it_lapses_and_then_free_with_nothing_written(
    session, engine, world, client, clock
):
    both_offer(session, client, "10:00")
    in_another_process(engine, "hold", **booking_args("testila", "kela-benefits", 10))
    clock.move(minutes=9, seconds=59)
    both_offer(session, client, "10:00", expected=False)
    clock.move(seconds=1)  # the hold's ten minutes are over
    both_offer(session, client, "10:00")
    assert session.query(Appointment).one().status.value == "held"  # nothing was written


def test_a_change_elsewhere_leaves_the_answer_cached(
    session, engine, world, client, clock, monkeypatch
):
    cached = calendars.free_times(session, "testila", "vero-advice", WEDNESDAY, WEDNESDAY, NOW)
    session.rollback()
    # Kela books at Toinen: neither Testilä's room nor a Vero expert is taken.
    in_another_process(engine, "book", **booking_args("toinen", "kela-benefits", 13))
    loads: list[tuple] = []
    original = range_halves.room_starts

    def counted(connection, queries, fixed, window, now, **preloaded):
        loads.append(tuple(room.id for room in fixed.rooms))
        return original(connection, queries, fixed, window, now, **preloaded)

    monkeypatch.setattr(range_halves, "room_starts", counted)
    again = calendars.free_times(session, "testila", "vero-advice", WEDNESDAY, WEDNESDAY, NOW)
    assert again == cached
    assert loads == []
    # Kela at Toinen itself is computed afresh.
    calendars.free_times(session, "toinen", "kela-benefits", WEDNESDAY, WEDNESDAY, NOW)
    toinen = session.scalars(select(Room.id).where(Room.point_id == "toinen")).all()
    assert loads == [tuple(toinen)]


def test_the_api_answers_304_to_a_current_etag_and_200_after_a_change(
    session, engine, world, client, clock
):
    path = f"/api/v1/points/testila/availability?service=kela-benefits&from={WEDNESDAY}"
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert all(
        "T10:00" not in moment for moment in changed.get_json()["times"] if "03-04" in moment
    )


def test_one_hour_later_the_answer_has_lost_the_times_now_too_soon(
    session, engine, world, client, clock
):
    today = NOW.astimezone(HELSINKI).date()
    path = f"/api/v1/points/testila/availability?service=kela-benefits&from={today}&to={today}"
    first = client.get(path).get_json()["times"]
    assert first[0].endswith("T11:00:00+02:00")  # NOW 10:00 + 60 minutes' notice
    clock.move(minutes=1)
    later = client.get(path).get_json()["times"]
    assert later[0].endswith("T11:15:00+02:00")
    assert later == first[1:]


# --- the calendar signal: hits without the stamp's round trip ----------------------

#: Books Wednesday 10:00 at Testilä and stops, until a line comes on standard input,
#: either just before the commit (its revisions raised) or right after it (before the
#: end of its transaction is signalled).
BOOK_AND_PAUSE = """
import sys
from datetime import datetime
from sqlalchemy import event
from sqlalchemy.orm import Session
from booking.appointments.lifecycle import BookingRequest, book_appointment
from booking.data.sessions import make_engine, make_session_factory

url, when = sys.argv[1], sys.argv[4]
start, now = datetime.fromisoformat(sys.argv[2]), datetime.fromisoformat(sys.argv[3])

booked = False  # pause around the commit of the booking (not of a first look that only read)

def pause():
    print("paused", flush=True)
    sys.stdin.readline()

@event.listens_for(Session, "before_commit")
def before(session):
    if when == "before commit" and booked and session.get_nested_transaction() is None:
        pause()

@event.listens_for(Session, "after_transaction_end", insert=True)  # before the app's own
def after(session, transaction):
    if when == "after commit" and booked and transaction.parent is None:  # not a savepoint
        pause()

engine = make_engine(url)
with make_session_factory(engine)() as session:
    request = BookingRequest(point_id="testila", service_id="kela-benefits", starts_at=start,
                             name="Toinen Prosessi", phone="0401234567")
    book_appointment(session, request, now=now)
    booked = True
    session.commit()
engine.dispose()
"""

#: Raises Testilä's revisions in a transaction and dies before it ends.
DIE_WHILE_WRITING = """
import os, sys
from booking.data.calendar_revision import bump_scopes
from booking.data.sessions import make_engine, make_session_factory

engine = make_engine(sys.argv[1])
session = make_session_factory(engine)()
bump_scopes(session, ["p:testila"])
os._exit(0)
"""


def stamp_reads(monkeypatch) -> list[str]:
    """The API's stamp round trips from now on, by point."""
    from booking.api import free_times

    reads: list[str] = []
    original = free_times.committed_stamp

    def counted(engine, point_id, *args):
        reads.append(point_id)
        return original(engine, point_id, *args)

    monkeypatch.setattr(free_times, "committed_stamp", counted)
    return reads


def test_an_unchanged_answer_is_sent_without_reading_the_stamp_where_the_signal_is_shared(
    session, engine, world, signal, client, clock, monkeypatch
):
    both_offer(session, client, "10:00")
    reads = stamp_reads(monkeypatch)
    both_offer(session, client, "10:00")
    # SQLite's writers all share the file beside it; PostgreSQL's may be on other
    # machines, so there every hit reads the stamp, unless a signal is registered.
    shared = signal != "none"
    assert reads == ([] if shared else ["testila"] * 2)
    # Kela's expert is booked at Toinen at 13:00: the agency's slot changes, so the
    # next hit reads the stamp once, which shows the new booking, and the one after
    # is quiet again.
    in_another_process(engine, "book", **booking_args("toinen", "kela-benefits", 13))
    reads.clear()
    both_offer(session, client, "13:00", expected=False)
    assert reads == (["testila"] if shared else ["testila"] * 2)


@pytest.mark.parametrize("when", ["before commit", "after commit"])
def test_a_booking_paused_around_its_commit_is_offered_until_it_commits_and_never_after(
    session, engine, world, client, clock, when
):
    both_offer(session, client, "10:00")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            BOOK_AND_PAUSE,
            engine.url.render_as_string(hide_password=False),
            at(10).isoformat(),
            NOW.isoformat(),
            when,
        ],
        cwd=PROJECT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline() == "paused\n"
        # Before the commit the time is still free; right after it, it is taken,
        # though the writer has not let go of its marks yet.
        both_offer(session, client, "10:00", expected=when == "before commit")
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.wait(timeout=120) == 0
    finally:
        writer.kill()
    both_offer(session, client, "10:00", expected=False)
    both_offer(session, client, "11:00")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_writer_that_died_mid_transaction_costs_one_stamp_read(
    session, engine, world, client, clock, monkeypatch
):
    both_offer(session, client, "10:00")
    subprocess.run(
        [sys.executable, "-c", DIE_WHILE_WRITING, engine.url.render_as_string()],
        check=True,
        cwd=PROJECT,
        timeout=120,
    )
    reads = stamp_reads(monkeypatch)
    both_offer(session, client, "10:00")
    # It raised Testilä's count before it died, and its mark died with it: the stamp
    # is read once (nothing was committed), then hits are quiet again.
    assert reads == ["testila"]
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    both_offer(session, client, "10:00", expected=False)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_signal_file_made_again_is_not_mistaken_for_the_old_one(
    session, engine, world, client, clock
):
    both_offer(session, client, "10:00")
    Path(engine.url.database + "-signal").unlink()  # as if removed while the app runs
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    both_offer(session, client, "10:00", expected=False)
