"""A property: after any sequence of administrators' changes, every coming booking holds.

Hypothesis draws a few bookings and a sequence of changes (closures, absences,
rooms added or taken out of use, opening hours shortened, one day's special
hours, a service withdrawn from a point, an expert's services and weekly hours
changed), each made through its use case with its consequences settled.  Then
the slot engine, asked afresh about
each booked appointment with its own hold left out, must find its start inside
its point's opening hours and its own room and expert free then — so no booking
lies in a closed hour, a removed room, with an absent expert or one who does
not do its service, and no two overlap.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from booking.appointments.errors import NotBookable
from booking.appointments.lifecycle import BookingRequest, SlotTaken, book_appointment
from booking.data.availability import availability_inputs
from booking.data.availability_cache import clear_availability_cache
from booking.data.enums import AppointmentStatus, BookingChannel
from booking.data.models import Appointment, Expert, Room
from booking.data.sessions import make_session_factory
from booking.engine.slots import free_resources
from booking.region.calendar_changes import (
    CalendarChangeRefused,
    add_absence,
    close_point,
    set_opening_hours,
    set_room_active,
)
from booking.region.expert_changes import update_expert
from booking.region.point_changes import add_room, set_offering, set_special_hours
from booking.region.short_day_changes import set_short_days
from tests.conftest import empty_all_tables
from tests.factories import NOW, Factory

HELSINKI = ZoneInfo("Europe/Helsinki")
#: Tuesday 3.3.2026, the first day bookings are drawn on (NOW is Monday 10:00).
FIRST_DAY = datetime(2026, 3, 3).date()
POINTS = ("testila", "toinen")

bookings = st.lists(
    st.tuples(
        st.sampled_from(POINTS),
        st.integers(0, 2),  # day
        st.integers(0, 23),  # quarter-hour from 9:00
        st.booleans(),  # a mobile number
    ),
    min_size=1,
    max_size=10,
)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("close"), st.sampled_from(POINTS), st.integers(0, 2), st.integers(0, 10)),
        st.tuples(st.just("absent"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 16)),
        st.tuples(st.just("room"), st.integers(0, 2)),
        st.tuples(
            st.just("hours"), st.sampled_from(POINTS), st.integers(1, 3), st.integers(10, 14)
        ),
        st.tuples(st.just("add_room"), st.sampled_from(POINTS)),
        st.tuples(st.just("withdraw"), st.sampled_from(POINTS)),
        st.tuples(
            st.just("special"), st.sampled_from(POINTS), st.integers(0, 2), st.integers(9, 12)
        ),
        st.tuples(st.just("expert"), st.integers(0, 2), st.booleans(), st.integers(10, 16)),
        st.tuples(st.just("short"), st.integers(0, 2), st.integers(10, 14)),
    ),
    min_size=1,
    max_size=5,
)


def build_world(session):
    factory = Factory(session)
    factory.point("testila", rooms=2)
    factory.point("toinen", rooms=1)
    factory.service(points=POINTS)
    factory.expert("kela-anna")
    factory.expert("kela-ben", hours={d: [(time(9), time(13))] for d in range(5)})
    factory.expert("kela-cecilia", hours={d: [(time(11), time(15))] for d in (1, 2, 3)})


def book(session, drawn) -> None:
    for number, (point_id, day, quarter, mobile) in enumerate(drawn):
        local = datetime.combine(FIRST_DAY + timedelta(days=day), time(9), HELSINKI)
        starts_at = (local + timedelta(minutes=15 * quarter)).astimezone(UTC)
        request = BookingRequest(
            point_id=point_id,
            service_id="kela-benefits",
            starts_at=starts_at,
            name="Testi Asiakas",
            phone=f"+35840{number:07d}" if mobile else None,
            channel=BookingChannel.DESK,
        )
        try:
            book_appointment(session, request, now=NOW)
        except (SlotTaken, NotBookable):
            session.rollback()
        else:
            session.commit()


def apply(session, change) -> None:
    kind, *args = change
    if kind == "close":
        point_id, day, from_quarter = args
        starts = None if from_quarter == 0 else time(9 + from_quarter // 2, 30 * (from_quarter % 2))
        ends = None if starts is None else time(15)
        close_point(
            session,
            point_id,
            FIRST_DAY + timedelta(days=day),
            starts=starts,
            ends=ends,
            now=NOW,
            by_user_id=None,
        )
    elif kind == "absent":
        expert_index, day, hours = args
        expert = session.scalars(select(Expert).order_by(Expert.id)).all()[expert_index]
        starts_at = datetime.combine(FIRST_DAY + timedelta(days=day), time(8), HELSINKI)
        add_absence(
            session,
            expert.id,
            starts_at,
            starts_at + timedelta(hours=hours / 2),
            now=NOW,
            by_user_id=None,
        )
    elif kind == "room":
        room = session.scalars(select(Room).order_by(Room.id)).all()[args[0]]
        set_room_active(session, room.id, False, now=NOW, by_user_id=None)
    elif kind == "add_room":
        add_room(
            session,
            args[0],
            f"Huone {session.scalar(func.count(Room.id))}",
            now=NOW,
            by_user_id=None,
        )
    elif kind == "withdraw":
        set_offering(session, args[0], "kela-benefits", False, now=NOW, by_user_id=None)
    elif kind == "special":
        point_id, day, opens = args
        try:
            set_special_hours(
                session,
                point_id,
                FIRST_DAY + timedelta(days=day),
                time(opens),
                time(opens + 2),
                reason="Koulutus",
                now=NOW,
                by_user_id=None,
            )
        except CalendarChangeRefused:  # that day is already shorter, or closed
            session.rollback()
            return
    elif kind == "short":  # one of the drawn days made the region's one short day
        day, closes = args
        short_day = FIRST_DAY + timedelta(days=day)
        set_short_days(session, time(closes), (f"{short_day:%m-%d}",), now=NOW, by_user_id=None)
    elif kind == "expert":
        expert_index, keeps_service, until = args
        expert = session.scalars(select(Expert).order_by(Expert.id)).all()[expert_index]
        update_expert(
            session,
            expert.id,
            agency_id="kela",
            service_ids=["kela-benefits"] if keeps_service else [],
            languages=["fi"],
            weekly={day: [(time(9), time(until))] for day in range(5)},
            now=NOW,
            by_user_id=None,
        )
    else:
        point_id, weekday, closes = args
        set_opening_hours(
            session, point_id, weekday, [(time(9), time(closes))], now=NOW, by_user_id=None
        )
    session.commit()


def engine_says_it_holds(session, appointment: Appointment) -> bool:
    """The slot engine's own view, not the consequences' checker."""
    day = appointment.starts_at.astimezone(HELSINKI).date()
    hold = (
        appointment.room_id,
        appointment.expert_id,
        math.floor(appointment.starts_at.timestamp()),
        math.floor(appointment.blocked_until.timestamp()),
    )
    inputs = availability_inputs(
        session, appointment.point_id, appointment.service_id, day, day, ignoring=hold
    )
    rules = replace(
        inputs.rules,
        duration=appointment.ends_at - appointment.starts_at,
        buffer=appointment.blocked_until - appointment.ends_at,
    )
    inside = any(
        span.start <= appointment.starts_at and appointment.ends_at <= span.end
        for span in inputs.opening
    )
    rooms = {r.id for r in free_resources(appointment.starts_at, inputs.rooms, rules)}
    experts = {e.id for e in free_resources(appointment.starts_at, inputs.experts, rules)}
    return inside and appointment.room_id in rooms and appointment.expert_id in experts


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=bookings, made=changes)
def test_after_any_changes_every_coming_booking_holds(clean_database, drawn, made):
    session = make_session_factory(clean_database)()
    try:
        build_world(session)
        book(session, drawn)
        for change in made:
            apply(session, change)
        coming = session.scalars(
            select(Appointment).where(
                Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > NOW
            )
        ).all()
        changed = session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.status == AppointmentStatus.CANCELLED
            )
        )
        event("some booking was cancelled" if changed else "none was cancelled")
        broken = [a.reference for a in coming if not engine_says_it_holds(session, a)]
        assert broken == []
        session.commit()
    finally:
        session.close()
        empty_all_tables(clean_database)
        clear_availability_cache()
