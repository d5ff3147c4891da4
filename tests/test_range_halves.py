"""A range's free starts are its point's half (open, a room free) and its agency's
half (an expert free), cached apart: a booking recomputes its agency's half once for
every point offering the service, and its own point's half only."""

from __future__ import annotations

from sqlalchemy import select

from booking.data import availability as calendars
from booking.data import range_halves
from booking.data.models import Room
from tests.factories import NOW
from tests.test_day_revisions import MARCH, WEDNESDAY, afresh, at, book
from tests.test_free_times_at_points import KELA, kela_at

POINTS = ["testila", "muurame", "uurainen"]


def test_a_booking_recomputes_the_agency_half_once_and_its_own_point_half_only(
    session, factory, monkeypatch
):
    kela_at(factory, POINTS)
    session.commit()
    for point in POINTS:
        calendars.free_times(session, point, KELA, *MARCH, NOW)
    session.commit()
    computed: list[tuple] = []
    for half in ("room_starts", "expert_starts"):
        monkeypatch.setattr(
            range_halves, half, counted(half, getattr(range_halves, half), computed)
        )
    taken = at(WEDNESDAY, 10)
    assert book(session, "testila", KELA, taken) is not None
    after = {point: calendars.free_times(session, point, KELA, *MARCH, NOW) for point in POINTS}
    session.commit()
    testila = tuple(session.scalars(select(Room.id).where(Room.point_id == "testila")))
    assert computed == [("room_starts", testila), ("expert_starts", ())]
    assert taken not in after["testila"]
    assert after == {point: afresh(session, point, KELA, *MARCH) for point in POINTS}


def counted(name: str, compute, computed: list[tuple]):
    def spy(connection, queries, fixed, window, now):
        rooms = tuple(room.id for room in fixed.rooms) if name == "room_starts" else ()
        computed.append((name, rooms))
        return compute(connection, queries, fixed, window, now)

    return spy
