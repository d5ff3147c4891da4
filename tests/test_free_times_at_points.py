"""One service's free times at several points read together (the "just taken"
alternatives): the same times as each point's read alone, never a taken one, and a
cost that does not grow with the number of points."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import Engine, event, select

from booking.appointments.alternatives import nearby_alternatives
from booking.data import availability as calendars
from booking.data.availability_cache import clear_availability_cache
from booking.data.calendar_revision import bump_scopes
from booking.data.enums import ACTIVE_STATUSES, AppointmentStatus
from booking.data.models import Appointment, Expert
from booking.engine.clock import HELSINKI
from tests.factories import NOW
from tests.test_day_revisions import MARCH, afresh, at, book

KELA = "kela-benefits"
NEAR = (date(2026, 3, 3), date(2026, 3, 6))


def kela_at(factory, points: list[str]) -> None:
    for number, point in enumerate(points):
        factory.point(point, rooms=1 + number % 2, municipality=point)
    factory.service(KELA, agency="kela", points=tuple(points))
    factory.expert("kela-anna", agency="kela", services=(KELA,))
    factory.expert("kela-bo", agency="kela", services=(KELA,))


def test_free_times_read_together_read_as_each_computed_afresh(session, factory):
    points = ["testila", "muurame", "uurainen"]
    kela_at(factory, points)
    session.commit()
    rng = random.Random(13)
    for _step in range(25):
        # Some ranges were read alone first: the two reads share their cached answers.
        alone = rng.choice(points)
        calendars.free_times(session, alone, KELA, *rng.choice([MARCH, NEAR]), NOW)
        session.commit()
        active = list(
            session.scalars(select(Appointment).where(Appointment.status.in_(ACTIVE_STATUSES)))
        )
        if active and rng.random() < 0.3:
            rng.choice(active).status = AppointmentStatus.CANCELLED
            session.commit()
        else:
            day = NEAR[0] + timedelta(days=rng.randint(0, 3))
            book(
                session, rng.choice(points), KELA, at(day, rng.randint(9, 14), rng.choice([0, 30]))
            )
        for first, last in (MARCH, NEAR):
            together = calendars.free_times_at_points(session, points, KELA, first, last, NOW)
            session.commit()
            assert together == {
                point: afresh(session, point, KELA, first, last) for point in points
            }
            session.commit()


def test_a_time_taken_at_one_point_leaves_the_answer_read_together(session, factory):
    points = ["testila", "muurame"]
    kela_at(factory, points)
    session.commit()
    before = calendars.free_times_at_points(session, points, KELA, *NEAR, NOW)
    session.commit()
    taken = at(NEAR[0], 10)
    assert taken in before["testila"]
    assert book(session, "testila", KELA, taken) is not None  # its one room
    after = calendars.free_times_at_points(session, points, KELA, *NEAR, NOW)
    assert taken not in after["testila"]
    # Both experts do Kela's calls: one taken at Testilä leaves the other for Muurame.
    assert after["muurame"] == before["muurame"]


def statements_of_alternatives(session, offered_at: int) -> int:
    """The statements a cold "just taken" reading at Testilä runs, and that it found a
    time at each of the ``offered_at`` points."""
    clear_availability_cache()
    session.commit()
    counted: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: counted.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        around = at(NEAR[0] + timedelta(days=1), 10, 30)
        found = nearby_alternatives(session, "testila", KELA, around, now=NOW, limit=18)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len({alternative.point_id for alternative in found}) == offered_at
    return len(counted)


def test_alternatives_across_more_points_take_no_more_queries(session, factory):
    """The alternatives read every point offering the service: the queries are per
    reading, not per point (the agency's experts' appointments are read once)."""
    kela_at(factory, ["testila", "muurame", "uurainen"])
    session.commit()
    at_three = statements_of_alternatives(session, 3)
    for number, point in enumerate(["petäjävesi", "multia", "keuruu"]):
        factory.point(point, rooms=1 + number % 2, municipality=point)
        factory.offer(point, KELA)
    session.commit()
    at_six = statements_of_alternatives(session, 6)
    assert at_six == at_three
    assert at_six <= 16


def test_a_session_with_changes_of_its_own_reads_each_point_with_the_notice_asked(session, factory):
    """Such a session reads past the cache, point by point, and keeps ``min_notice``."""
    points = ["testila", "muurame"]
    kela_at(factory, points)
    session.commit()
    bump_scopes(session, ["p:testila"])  # written, not committed: no cache for it
    today = (NOW.astimezone(HELSINKI).date(), NOW.astimezone(HELSINKI).date())
    soon = calendars.free_times_at_points(
        session, points, KELA, *today, NOW, min_notice=timedelta(0)
    )
    assert at(today[0], 10, 30) in soon["testila"]  # within the service's hour of notice
    assert soon == {
        point: calendars.free_times(session, point, KELA, *today, NOW, min_notice=timedelta(0))
        for point in points
    }


def statements_reading_experts_hours(session, point: str) -> int:
    """How many statements reading the experts' weekly hours (their weeks) one month at
    ``point`` runs."""
    counted: list[str] = []
    listener = lambda *args: counted.append(args[2])  # noqa: E731
    # Every engine's: on PostgreSQL a cache miss reads through one of its own.
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        calendars.free_times(session, point, KELA, *MARCH, NOW)
        session.commit()
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    return sum("expert.week" in statement for statement in counted)


def test_the_points_of_an_agency_share_its_experts_hours_until_they_change(session, factory):
    kela_at(factory, ["testila", "muurame", "uurainen"])
    session.commit()
    assert statements_reading_experts_hours(session, "testila") == 1
    assert statements_reading_experts_hours(session, "muurame") == 0  # read for Testilä
    # Anna no longer works on Tuesdays and Bo leaves Kela's service: at Uurainen, which
    # nobody has read yet, no Tuesday time is left.
    anna = session.scalar(select(Expert).where(Expert.key == "kela-anna"))
    for hours in [each for each in anna.working_hours if each.weekday == 1]:
        session.delete(hours)
    bo = session.scalar(select(Expert).where(Expert.key == "kela-bo"))
    bo.services = []
    session.commit()
    assert statements_reading_experts_hours(session, "uurainen") == 1
    times = calendars.free_times(session, "uurainen", KELA, *MARCH, NOW)
    assert times and all(t.astimezone(HELSINKI).weekday() != 1 for t in times)
    assert times == afresh(session, "uurainen", KELA, *MARCH)
