"""Free times and the fair pick from the database; the cache never serves a taken time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, event, select, text

from booking.data import availability as calendars
from booking.data.calendar_models import CalendarRevision
from booking.data.calendar_revision import current_calendar_revision
from booking.data.calendar_stamps import committed_stamp
from booking.data.enums import AppointmentStatus
from booking.data.models import (
    Appointment,
    Closure,
    ExpertAbsence,
    ExpertHours,
    Offering,
    Service,
    ServicePoint,
)
from booking.engine.clock import HELSINKI
from tests.factories import NOW
from tests.test_day_revisions import afresh

WEDNESDAY = date(2026, 3, 4)  # NOW is Monday 2.3.2026 10:00 Helsinki
THURSDAY = WEDNESDAY + timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def hhmm(starts: list[datetime]) -> list[str]:
    return [s.astimezone(HELSINKI).strftime("%H:%M") for s in starts]


def times_on(session, day: date = WEDNESDAY, point="testila", service="kela-benefits", now=NOW):
    return hhmm(calendars.free_times(session, point, service, day, day, now))


def count_queries(session):
    statements: list[str] = []
    engine = session.get_bind()

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return statements, lambda: event.remove(engine, "before_cursor_execute", record)


def test_a_quiet_day_offers_every_quarter_hour_that_fits(session, factory):
    factory.region()  # open 9–15, expert 8–16, 30 min + 15 min set-up
    starts = times_on(session)
    assert starts[0] == "09:00"
    assert starts[-1] == "14:30"
    assert len(starts) == 23


def test_a_booked_time_and_its_set_up_buffer_are_not_offered(session, factory):
    world = factory.region()
    factory.appointment(point=world["point"], service=world["service"], starts_at=at(WEDNESDAY, 10))
    starts = times_on(session)
    assert "09:15" in starts and "10:45" in starts
    assert not {"09:30", "09:45", "10:00", "10:15", "10:30"} & set(starts)


def test_an_expert_booked_at_another_point_is_busy_here_too(session, factory):
    world = factory.region()
    elsewhere = factory.point("korpilahti")
    factory.offer("korpilahti", "kela-benefits")
    factory.appointment(
        point=elsewhere,
        service=world["service"],
        starts_at=at(WEDNESDAY, 11),
        expert=world["expert"],
    )
    starts = times_on(session)
    assert "10:15" in starts and "11:45" in starts
    assert not {"10:30", "11:00", "11:30"} & set(starts)


def test_cancelled_appointments_do_not_block(session, factory):
    world = factory.region()
    factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=at(WEDNESDAY, 10),
        status=AppointmentStatus.CANCELLED,
    )
    assert "10:00" in times_on(session)


def test_an_absent_expert_is_not_offered_but_may_finish_just_before_leaving(session, factory):
    world = factory.region()
    session.add(
        ExpertAbsence(
            expert_id=world["expert"].id,
            starts_at=at(WEDNESDAY, 10),
            ends_at=at(WEDNESDAY, 12),
            reason="Koulutus",
        )
    )
    session.commit()
    starts = times_on(session)
    assert "09:30" in starts  # the meeting ends at 10:00, as the absence begins
    assert not {"09:45", "10:00", "11:45"} & set(starts)
    assert "12:00" in starts


def test_holidays_and_closures_from_the_database(session, factory):
    factory.region()
    factory.closure("testila", WEDNESDAY, reason="Remont")
    factory.closure("testila", WEDNESDAY + timedelta(days=1), time(9), time(12))
    assert times_on(session) == []
    assert times_on(session, WEDNESDAY + timedelta(days=1))[0] == "12:00"
    midsummer_eve = date(2026, 6, 19)
    assert times_on(session, midsummer_eve, now=at(date(2026, 6, 1), 9)) == []


def test_unknown_point_or_service_raises_and_a_service_not_offered_has_no_times(session, factory):
    factory.region()
    factory.service("vero-advice", agency="vero", points=())
    with pytest.raises(calendars.UnknownPointOrService):
        times_on(session, point="nowhere")
    with pytest.raises(calendars.UnknownPointOrService):
        times_on(session, service="nothing")
    assert times_on(session, service="vero-advice") == []


def test_pick_for_booking_chooses_the_least_booked_expert_that_day(session, factory):
    world = factory.region()
    second = factory.expert("kela-berit")
    factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=at(WEDNESDAY, 9),
        expert=world["expert"],
    )
    room = world["room"].id
    assert calendars.pick_for_booking(
        session, "testila", "kela-benefits", at(WEDNESDAY, 13), NOW
    ) == (room, second.id)
    # On Thursday both have no bookings: the lower id wins.
    assert calendars.pick_for_booking(
        session, "testila", "kela-benefits", at(WEDNESDAY + timedelta(days=1), 13), NOW
    ) == (room, world["expert"].id)


def test_pick_for_booking_refuses_times_that_are_not_bookable(session, factory):
    world = factory.region()
    factory.appointment(point=world["point"], service=world["service"], starts_at=at(WEDNESDAY, 10))
    pick = calendars.pick_for_booking
    assert pick(session, "testila", "kela-benefits", at(WEDNESDAY, 10, 15), NOW) is None
    assert pick(session, "testila", "kela-benefits", at(WEDNESDAY, 10, 50), NOW) is None  # grid
    assert pick(session, "testila", "kela-benefits", at(WEDNESDAY, 16), NOW) is None  # closed
    assert pick(session, "testila", "kela-benefits", NOW + timedelta(minutes=30), NOW) is None


def test_a_repeated_question_is_answered_from_the_cache_with_one_query(session, factory):
    factory.region()
    first = times_on(session)
    session.commit()
    session.execute(select(1))  # a transaction under way: the revisions are read in it
    statements, stop = count_queries(session)
    try:
        assert times_on(session) == first
        assert times_on(session) == first  # same transaction: the revisions are known
    finally:
        stop()
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_a_cache_hit_outside_a_transaction_begins_none(session, factory):
    factory.region()
    first = times_on(session)
    session.commit()
    statements, stop = count_queries(session)
    try:
        assert times_on(session) == first
    finally:
        stop()
    assert statements == []  # only the revisions were read, on a connection of their own
    assert not session.in_transaction()


BOOK_IN_ANOTHER_PROCESS = """
import json, sys
from datetime import datetime
from sqlalchemy import insert
from booking.data.availability import bump_calendar_revision
from booking.data.sessions import make_engine, make_session_factory
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment

url, row = sys.argv[1], json.loads(sys.argv[2])
for key in ("starts_at", "ends_at", "blocked_until", "created_at", "updated_at"):
    row[key] = datetime.fromisoformat(row[key])
row["status"] = AppointmentStatus(row["status"])
engine = make_engine(url)
with make_session_factory(engine)() as session:
    session.execute(insert(Appointment), [row])
    bump_calendar_revision(session)
    session.commit()
engine.dispose()
"""


def test_the_cache_never_serves_a_time_taken_in_another_process(session, factory, engine):
    world = factory.region()
    assert "10:00" in times_on(session)  # computed and cached in this process
    session.commit()
    row = _row(world, at(WEDNESDAY, 10))
    subprocess.run(
        [
            sys.executable,
            "-c",
            BOOK_IN_ANOTHER_PROCESS,
            engine.url.render_as_string(hide_password=False),
            json.dumps({**row, "status": row["status"].value}, default=str),
        ],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
    )
    assert "10:00" not in times_on(session)


def test_the_cache_follows_orm_changes_without_an_explicit_bump(session, factory):
    world = factory.region()
    assert "10:00" in times_on(session)
    session.commit()
    appointment = factory.appointment(
        point=world["point"], service=world["service"], starts_at=at(WEDNESDAY, 10)
    )
    assert "10:00" not in times_on(session)
    appointment.status = AppointmentStatus.CANCELLED
    session.commit()
    assert "10:00" in times_on(session)


def test_uncommitted_writes_are_seen_but_never_cached(session, factory):
    world = factory.region()
    session.commit()
    session.add(Appointment(**_row(world, at(WEDNESDAY, 10))))
    session.flush()
    assert "10:00" not in times_on(session)  # the session's own view
    session.rollback()
    assert "10:00" in times_on(session)


def test_a_change_of_a_point_itself_raises_its_own_revision_and_not_the_region_s(session, factory):
    world = factory.region()
    factory.point("toinen")
    session.commit()
    before = {
        point: calendars.availability_stamp(session, point, "kela-benefits", WEDNESDAY, WEDNESDAY)
        for point in ("testila", "toinen")
    }
    session.commit()
    world["point"].online = False
    session.commit()
    after = {
        point: calendars.availability_stamp(session, point, "kela-benefits", WEDNESDAY, WEDNESDAY)
        for point in ("testila", "toinen")
    }
    session.commit()
    assert after["toinen"] == before["toinen"]  # the other point's answers stay cached
    region, point, agency, point_days, agency_days, signal = before["testila"]
    assert after["testila"][1] != point
    unchanged = (region, agency, point_days, agency_days, signal)
    assert (after["testila"][0], *after["testila"][2:]) == unchanged


def test_bump_creates_the_revision_row_when_missing(session):
    session.execute(delete(CalendarRevision))
    assert current_calendar_revision(session) == 0
    calendars.bump_calendar_revision(session)
    calendars.bump_calendar_revision(session)
    session.commit()
    assert session.scalar(select(CalendarRevision.value).where(CalendarRevision.id == 1)) == 2


def test_a_month_is_computed_and_respects_the_horizon(session, factory):
    factory.region()
    starts = calendars.free_times(
        session, "testila", "kela-benefits", date(2026, 3, 1), date(2026, 5, 31), NOW
    )
    local_days = {s.astimezone(HELSINKI).date() for s in starts}
    assert min(local_days) == date(2026, 3, 2)  # today, after the minimum notice
    assert max(local_days) <= date(2026, 5, 1)  # today + 60 days
    assert date(2026, 3, 29) not in local_days  # a Sunday
    assert date(2026, 4, 3) not in local_days  # Good Friday
    assert hhmm([s for s in starts if s.astimezone(HELSINKI).date() == date(2026, 4, 2)])[-1] == (
        "12:30"  # Maundy Thursday closes at 13
    )
    assert hhmm(starts[:1]) == ["11:00"]  # NOW 10:00 + 60 min notice


def _row(world, starts_at: datetime) -> dict:
    service = world["service"]
    ends_at = starts_at + timedelta(minutes=service.duration_minutes)
    return {
        "reference": "OTHER1",
        "ical_uid": "other-1@etavaraus.test",
        "point_id": world["point"].id,
        "service_id": service.id,
        "room_id": world["room"].id,
        "expert_id": world["expert"].id,
        "status": AppointmentStatus.BOOKED,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "blocked_until": ends_at + timedelta(minutes=service.buffer_minutes),
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_a_minimum_notice_override_shares_the_cached_entry(session, factory):
    factory.region()  # the service asks 60 minutes' notice; NOW is Monday 10:00
    today = NOW.astimezone(HELSINKI).date()
    online = hhmm(calendars.free_times(session, "testila", "kela-benefits", today, today, NOW))
    session.commit()
    statements, stop = count_queries(session)
    try:
        desk = calendars.free_times(
            session, "testila", "kela-benefits", today, today, NOW, min_notice=timedelta(0)
        )
    finally:
        stop()
    assert online[0] == "11:00"
    assert hhmm(desk)[:3] == ["10:00", "10:15", "10:30"]  # from now on, on the grid
    assert hhmm(desk)[4:] == online  # the rest is the same answer
    # Nothing loaded: only the revisions were read, on a connection of their own.
    assert [s for s in statements if s.lstrip().upper().startswith("SELECT")] == []
    later = NOW + timedelta(minutes=5)
    with_override = calendars.free_times(
        session, "testila", "kela-benefits", today, today, later, min_notice=timedelta(0)
    )
    assert hhmm(with_override)[0] == "10:15"  # a passed start is never offered
    assert (
        calendars.pick_for_booking(
            session, "testila", "kela-benefits", NOW + timedelta(minutes=15), NOW
        )
        is None
    )
    assert calendars.pick_for_booking(
        session,
        "testila",
        "kela-benefits",
        NOW + timedelta(minutes=15),
        NOW,
        min_notice=timedelta(0),
    )


def test_an_appointment_being_moved_may_overlap_its_own_time(session, factory):
    world = factory.region()
    mine = factory.appointment(
        point=world["point"], service=world["service"], starts_at=at(WEDNESDAY, 10)
    )
    factory.appointment(point=world["point"], service=world["service"], starts_at=at(WEDNESDAY, 11))
    plain = times_on(session)
    moving = hhmm(
        calendars.free_times(
            session,
            "testila",
            "kela-benefits",
            WEDNESDAY,
            WEDNESDAY,
            NOW,
            ignoring_appointment_id=mine.id,
        )
    )
    assert "10:15" not in plain
    assert {"09:30", "09:45", "10:00", "10:15"} <= set(moving)
    assert "10:30" not in moving  # its set-up would overlap the 11:00 appointment
    assert times_on(session) == plain  # the cache was not touched by the move's answer


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_stamp_is_read_again_on_a_new_connection_after_the_old_one_is_dropped(
    session, factory, engine
):
    factory.region()
    session.commit()
    before = committed_stamp(engine, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY)
    with engine.connect() as admin:  # the server ends every other connection
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    factory.appointment(
        point=session.get(ServicePoint, "testila"),
        service=session.get(Service, "kela-benefits"),
        starts_at=at(WEDNESDAY, 10),
    )
    after = committed_stamp(engine, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY)
    assert after != before  # read afresh, and it sees the booking


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_free_times_are_computed_on_new_connections_after_the_server_dropped_them(
    session, factory, engine
):
    factory.region()
    session.commit()
    assert "10:00" in times_on(session)  # computed on a connection of the calendar's own
    session.commit()
    with engine.connect() as admin:  # the server ends every other connection, and waits
        ended = admin.execute(
            text(
                "SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert ended
    factory.appointment(
        point=session.get(ServicePoint, "testila"),
        service=session.get(Service, "kela-benefits"),
        starts_at=at(WEDNESDAY, 10),
    )
    assert "10:00" not in times_on(session)  # read afresh, and it sees the booking


@pytest.mark.parametrize("row", ["closure", "absence", "expert hours", "offering"])
def test_a_row_deleted_raises_the_revisions_a_cached_answer_rests_on(session, factory, row):
    """Removing a closure, an absence, an expert's hours or an offering changes the
    times; a cached answer must not outlive it."""
    world = factory.region()
    if row == "closure":
        factory.closure("testila", WEDNESDAY, reason="Remont")
    if row == "absence":
        session.add(
            ExpertAbsence(
                expert=world["expert"], starts_at=at(WEDNESDAY, 0), ends_at=at(WEDNESDAY, 23)
            )
        )
    session.commit()
    before = calendars.free_times(session, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY, NOW)
    session.commit()
    deleted = {
        "closure": select(Closure),
        "absence": select(ExpertAbsence),
        "expert hours": select(ExpertHours).where(ExpertHours.weekday == WEDNESDAY.weekday()),
        "offering": select(Offering),
    }[row]
    session.delete(session.scalars(deleted).one())
    session.commit()
    after = calendars.free_times(session, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY, NOW)
    session.commit()
    assert after == afresh(session, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY) != before
