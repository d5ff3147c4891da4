"""An agency with many experts: their appointments are read in rounds, only as far as
needed, and the free times are exactly those reading every expert gives."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.data import availability as calendars
from booking.data import expert_rounds, range_halves
from booking.data.availability_cache import clear_availability_cache
from booking.data.calendar_inputs import engine_arguments
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment, Expert, ExpertAbsence, Room, Service
from booking.engine.clock import HELSINKI
from booking.engine.slots import free_slots
from tests.factories import NOW
from tests.test_day_revisions import MARCH, at, book

KELA = "kela-benefits"
EXPERTS = 40
BUSY_DAYS = [MARCH[0] + timedelta(days=n) for n in range(14)]
#: Experts' weekly hours by kind: everyone's, mornings, afternoons, Tuesdays and Thursdays.
HOURS = [
    {day: [(time(8), time(16))] for day in range(5)},
    {day: [(time(9), time(12))] for day in range(5)},
    {day: [(time(12), time(16))] for day in range(5)},
    {1: [(time(8), time(16))], 3: [(time(8), time(16))]},
]
NUMBERS = itertools.count(1)
#: Only the last expert works the evening hour, so its starts wait for the last round.
EVENING = {day: [(time(8), time(17))] for day in range(5)}


def many_experts(session, factory, seed: int, taken: float) -> list[Expert]:
    """Testilä (three rooms, open 8–17) and Kela's forty experts, each busy at Muurame
    (a room of their own) on about ``taken`` of their time in the first fortnight."""
    opening = {day: [(time(8), time(17))] for day in range(5)}
    factory.point("testila", rooms=3, hours=opening)
    factory.point("muurame", rooms=EXPERTS, municipality="muurame", hours=opening)
    factory.service(KELA, agency="kela", points=("testila", "muurame"))
    experts = [
        factory.expert(
            f"kela-{n:02d}", hours=EVENING if n == EXPERTS - 1 else HOURS[n % len(HOURS)]
        )
        for n in range(EXPERTS)
    ]
    service = session.get(Service, KELA)
    rooms = session.scalars(select(Room).where(Room.point_id == "muurame").order_by(Room.id))
    rng = random.Random(seed)
    for expert, room in zip(experts, rooms, strict=True):
        for day in BUSY_DAYS:
            moment = at(day, 8)
            while moment < at(day, 17):
                if rng.random() < taken:
                    session.add(muurame_call(expert, room, service, moment))
                    moment += timedelta(minutes=45)
                else:
                    moment += timedelta(minutes=15)
    for expert in rng.sample(experts, 5):
        day = rng.choice(BUSY_DAYS)
        session.add(ExpertAbsence(expert=expert, starts_at=at(day, 8), ends_at=at(day, 13)))
    session.commit()
    return experts


def muurame_call(expert, room, service, starts_at: datetime, **fields) -> Appointment:
    ends_at = starts_at + timedelta(minutes=service.duration_minutes)
    number = next(NUMBERS)
    return Appointment(
        reference=f"M{number:08d}",
        ical_uid=f"round-{number}@etavaraus.test",
        point_id="muurame",
        service_id=service.id,
        room_id=room.id,
        expert_id=expert.id,
        status=fields.pop("status", AppointmentStatus.BOOKED),
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=service.buffer_minutes),
        name="Maija Meikäläinen",
        phone=f"+35840{number:07d}",
        created_at=NOW,
        updated_at=NOW,
        **fields,
    )


def every_expert_read(session, first: date, last: date, now: datetime) -> list[datetime]:
    """The free times with every expert's appointments read, past every cache."""
    inputs = calendars.availability_inputs(session, "testila", KELA, first, last, now=now)
    return free_slots(**engine_arguments(inputs), now=now)


def reads(monkeypatch) -> list[list[int]]:
    """The experts each read of appointments asks for (the first round's read with the
    rooms' when both halves are computed whole)."""
    asked: list[list[int]] = []
    loading = expert_rounds.load_busy

    def remembered(connection, queries, room_ids, expert_ids, *args):
        asked.append(list(expert_ids))
        return loading(connection, queries, room_ids, expert_ids, *args)

    monkeypatch.setattr(expert_rounds, "load_busy", remembered)
    monkeypatch.setattr(range_halves, "load_busy", remembered)
    return asked


def sizes(asked: list[list[int]]) -> list[int]:
    return [len(ids) for ids in asked]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_experts_read_in_rounds_give_the_times_reading_everyone_gives(
    session, factory, monkeypatch, seed
):
    many_experts(session, factory, seed, taken=0.85)
    asked = reads(monkeypatch)
    clear_availability_cache()
    in_rounds = calendars.free_times(session, "testila", KELA, *MARCH, NOW)
    session.commit()
    assert in_rounds == every_expert_read(session, *MARCH, NOW)
    # The busy fortnight needs later rounds, twice as many experts each.
    assert sizes(asked)[0] == expert_rounds.FIRST_ROUND and len(asked) > 1
    assert sizes(asked)[1] <= 2 * expert_rounds.FIRST_ROUND
    # Evening starts only the last expert can take are offered when she is free.
    evening = [t for t in in_rounds if t.astimezone(HELSINKI).hour == 16]
    assert evening == [t for t in every_expert_read(session, *MARCH, NOW) if t in evening]
    assert any(t.date() > BUSY_DAYS[-1] for t in evening)


def test_a_quiet_month_reads_only_the_first_experts(session, factory, monkeypatch):
    experts = many_experts(session, factory, seed=4, taken=0.0)
    # The evening expert is away one day: nobody else can take its evening starts.
    away = BUSY_DAYS[3]
    session.add(ExpertAbsence(expert=experts[-1], starts_at=at(away, 8), ends_at=at(away, 17)))
    session.commit()
    asked = reads(monkeypatch)
    clear_availability_cache()
    in_rounds = calendars.free_times(session, "testila", KELA, *MARCH, NOW)
    session.commit()
    assert in_rounds == every_expert_read(session, *MARCH, NOW)
    assert at(away, 16) not in in_rounds and at(away + timedelta(days=1), 16) in in_rounds
    # Only the evening starts (the last expert's) needed more than the first round,
    # and no round asked for an expert who does not work in the evening.
    assert sizes(asked) == [expert_rounds.FIRST_ROUND, 1]


def test_bookings_lapsed_holds_and_days_redone_keep_reading_as_everyone(
    session, factory, monkeypatch
):
    experts = many_experts(session, factory, seed=5, taken=0.85)
    service = session.get(Service, KELA)
    room = session.scalars(select(Room).where(Room.point_id == "muurame")).all()[-1]
    # The evening expert is held at Muurame by an online booking until NOW + 10 min.
    evening = at(BUSY_DAYS[-1] + timedelta(days=3), 16)
    session.add(
        muurame_call(
            experts[-1],
            room,
            service,
            evening,
            status=AppointmentStatus.HELD,
            expires_at=NOW + timedelta(minutes=10),
        )
    )
    session.commit()
    clear_availability_cache()
    before = calendars.free_times(session, "testila", KELA, *MARCH, NOW)
    session.commit()
    assert evening not in before
    later = NOW + timedelta(minutes=11)
    lapsed = calendars.free_times(session, "testila", KELA, *MARCH, later)
    session.commit()
    assert evening in lapsed
    assert lapsed == every_expert_read(session, *MARCH, later)
    rng = random.Random(6)
    for _ in range(8):
        offered = calendars.free_times(session, "testila", KELA, *MARCH, NOW)
        session.commit()
        book(session, "testila", KELA, rng.choice(offered))
        assert calendars.free_times(session, "testila", KELA, *MARCH, NOW) == (
            every_expert_read(session, *MARCH, NOW)
        )
        session.commit()


def test_experts_who_do_not_work_in_the_range_are_never_asked_for(session, factory, monkeypatch):
    experts = many_experts(session, factory, seed=5, taken=0.0)
    tuesdays_and_thursdays = {e.id for n, e in enumerate(experts[:-1]) if n % len(HOURS) == 3}
    asked = reads(monkeypatch)
    monday = date(2026, 3, 9)
    clear_availability_cache()
    times = calendars.free_times(session, "testila", KELA, monday, monday, NOW)
    session.commit()
    assert times == every_expert_read(session, monday, monday, NOW) != []
    assert len(asked[0]) == expert_rounds.FIRST_ROUND
    assert not tuesdays_and_thursdays & {expert for ids in asked for expert in ids}
