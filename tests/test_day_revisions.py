"""A booking invalidates only the days it touches, and a cached month computes only those again.

Appointments raise the day revisions of their point and their agency (the UTC
dates their old and new times touch) instead of the whole point's and agency's.
Whatever the sequence of bookings, moves and cancellations, a month kept in the
cache and brought up to date day by day reads exactly as one computed afresh.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from booking.data import availability as calendars
from booking.data import expert_rounds, range_halves
from booking.data.calendar_inputs import engine_arguments
from booking.data.calendar_models import CalendarDayRevision
from booking.data.calendar_stamps import availability_stamp
from booking.data.enums import ACTIVE_STATUSES, AppointmentStatus
from booking.data.models import Appointment, Service
from booking.engine.clock import HELSINKI
from booking.engine.slots import free_slots
from tests.factories import NOW

MARCH = (date(2026, 3, 2), date(2026, 3, 31))  # NOW is Monday 2.3.2026 10:00 Helsinki
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
WEDNESDAY = date(2026, 3, 4)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def book(session, point_id: str, service_id: str, starts_at: datetime) -> Appointment | None:
    """An appointment at a free time, with the room and expert the booking would take."""
    chosen = calendars.pick_for_booking(session, point_id, service_id, starts_at, NOW)
    if chosen is None:
        return None
    service = session.get(Service, service_id)
    ends_at = starts_at + timedelta(minutes=service.duration_minutes)
    number = session.scalar(select(Appointment.id).order_by(Appointment.id.desc()).limit(1)) or 0
    appointment = Appointment(
        reference=f"R{number + 1:05d}",
        ical_uid=f"day-{number + 1}@etavaraus.test",
        point_id=point_id,
        service_id=service_id,
        room_id=chosen[0],
        expert_id=chosen[1],
        status=AppointmentStatus.BOOKED,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=service.buffer_minutes),
        name="Maija Meikäläinen",
        phone=f"+35840{number + 1:07d}",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(appointment)
    session.commit()
    return appointment


def afresh(session, point_id: str, service_id: str, first: date, last: date) -> list[datetime]:
    """Free times computed from the database, past every cache."""
    inputs = calendars.availability_inputs(session, point_id, service_id, first, last, now=NOW)
    return free_slots(**engine_arguments(inputs), now=NOW)


def small_region(factory) -> list[tuple[str, str]]:
    """Two points, two agencies; Kela's experts serve both points."""
    factory.point("testila", rooms=2)
    factory.point("muurame", rooms=1, municipality="muurame")
    factory.service("kela-benefits", agency="kela", points=("testila", "muurame"))
    factory.service("vero-tax", agency="vero", points=("testila",))
    factory.expert("kela-anna", agency="kela", services=("kela-benefits",))
    factory.expert("kela-bo", agency="kela", services=("kela-benefits",))
    factory.expert("vero-ville", agency="vero", services=("vero-tax",))
    return [("testila", "kela-benefits"), ("muurame", "kela-benefits"), ("testila", "vero-tax")]


def test_a_booking_raises_only_its_days_and_leaves_other_months_cached(session, factory):
    factory.region()
    session.commit()
    march = availability_stamp(session, "testila", "kela-benefits", *MARCH)
    april = availability_stamp(session, "testila", "kela-benefits", *APRIL)
    assert book(session, "testila", "kela-benefits", at(WEDNESDAY, 10)) is not None
    assert availability_stamp(session, "testila", "kela-benefits", *APRIL) == april
    assert availability_stamp(session, "testila", "kela-benefits", *MARCH) != march
    raised = set(session.execute(select(CalendarDayRevision.scope, CalendarDayRevision.day)))
    assert raised == {("p:testila", WEDNESDAY), ("a:kela", WEDNESDAY)}


def test_a_cached_month_computes_only_the_days_a_booking_touched(session, factory, monkeypatch):
    factory.region()
    session.commit()
    before = calendars.free_times(session, "testila", "kela-benefits", *MARCH, NOW)
    session.commit()
    book(session, "testila", "kela-benefits", at(WEDNESDAY, 10))
    windows: dict[str, list[tuple[datetime, datetime]]] = {"rooms": [], "experts": []}
    for half, module in (("rooms", range_halves), ("experts", expert_rounds)):
        monkeypatch.setattr(module, "load_busy", spy_on(module.load_busy, windows[half]))
    after = calendars.free_times(session, "testila", "kela-benefits", *MARCH, NOW)
    # 10:00 Helsinki is 08:00 UTC on the 4th: the local days the 4th and the 5th touch it,
    # read again for the point's rooms, and for the agency's experts around their starts.
    assert windows["rooms"] == [(at(WEDNESDAY, 0), at(WEDNESDAY + timedelta(days=2), 0))]
    [(first, last)] = windows["experts"]
    assert at(WEDNESDAY, 0) <= first < last <= at(WEDNESDAY + timedelta(days=2), 0)
    assert at(WEDNESDAY, 10) in before and at(WEDNESDAY, 10) not in after
    assert after == afresh(session, "testila", "kela-benefits", *MARCH)


def spy_on(load_busy, windows: list[tuple[datetime, datetime]]):
    def spy(connection, queries, room_ids, expert_ids, window, *args):
        windows.append((window.start, window.end))
        return load_busy(connection, queries, room_ids, expert_ids, window, *args)

    return spy


def test_whatever_is_booked_moved_or_cancelled_a_cached_month_reads_as_one_computed_afresh(
    session, factory
):
    offered = small_region(factory)
    session.commit()
    rng = random.Random(2026)
    for point_id, service_id in offered:  # into the cache
        calendars.free_times(session, point_id, service_id, *MARCH, NOW)
    session.commit()
    for _step in range(30):
        active = list(
            session.scalars(select(Appointment).where(Appointment.status.in_(ACTIVE_STATUSES)))
        )
        action = rng.choice(["book", "book", "move", "cancel"]) if active else "book"
        point_id, service_id = rng.choice(offered)
        day = MARCH[0] + timedelta(days=rng.randint(1, 25))
        starts_at = at(day, rng.randint(9, 14), rng.choice([0, 15, 30, 45]))
        if action == "book":
            book(session, point_id, service_id, starts_at)
        elif action == "cancel":
            rng.choice(active).status = AppointmentStatus.CANCELLED
            session.commit()
        else:
            moving = rng.choice(active)
            chosen = calendars.pick_for_booking(
                session, moving.point_id, moving.service_id, starts_at, NOW
            )
            if chosen is not None:
                length, blocked = moving.ends_at - moving.starts_at, moving.blocked_until
                moving.room_id, moving.expert_id = chosen
                moving.blocked_until = starts_at + (blocked - moving.starts_at)
                moving.starts_at, moving.ends_at = starts_at, starts_at + length
            session.commit()
        for point_id, service_id in offered:
            kept = calendars.free_times(session, point_id, service_id, *MARCH, NOW)
            assert kept == afresh(session, point_id, service_id, *MARCH), (point_id, service_id)
            session.commit()
