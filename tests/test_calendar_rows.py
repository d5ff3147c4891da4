"""On PostgreSQL, a range not cached reads through the calendar's own connections:
its first reads sent to the server together, and what was read ahead served only
to the computation it was read for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from psycopg import pq
from sqlalchemy import Engine, event

from booking.data import availability as calendars
from booking.data.calendar_inputs import experts_hours_read, head_read, point_calendar_read
from booking.data.calendar_queries import calendar_queries
from booking.data.calendar_reads import read_calendar
from booking.data.calendar_rows import DIRECT, calendar_rows, prefetch
from booking.data.calendar_stamps import day_revisions_read
from booking.data.enums import AppointmentStatus
from booking.data.models import ExpertAbsence, Service
from booking.data.short_days import region_calendar_read
from booking.engine.clock import HELSINKI
from tests.factories import NOW

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

WEDNESDAY = date(2026, 3, 4)  # NOW is Monday 2.3.2026 10:00 Helsinki

#: What each read of a range not cached is known by, from the table it names first.
READS = {
    "short_day_settings": "short days",
    "service_point": "the point's service",
    "opening_hours": "the point's calendar",
    "expert.week": "the experts' weeks",
    "calendar_day_revision": "day revisions",
    "appointment": "appointments",
}


def sent_on_calendar_connections(compute) -> list[tuple[str, bool]]:
    """The reads ``compute()`` sends on the calendar's own connections, in order, each
    with whether it went in a pipeline (together with others)."""
    sent: list[tuple[str, bool]] = []

    def record(connection, cursor, statement, *_args):
        if connection.info.get(DIRECT):
            name = next(name for table, name in READS.items() if table in statement)
            pipelined = cursor.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
            sent.append((name, pipelined))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        compute()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return sent


def test_a_month_not_cached_sends_its_first_reads_together_then_its_appointments(session, factory):
    factory.region()
    session.commit()
    sent = sent_on_calendar_connections(
        lambda: calendars.free_times(session, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY, NOW)
    )
    together = [name for name, pipelined in sent if pipelined]
    assert sorted(together) == sorted(set(READS.values()) - {"appointments"})
    assert sent[-1] == ("appointments", False)
    assert len(sent) == 6


def test_a_point_read_first_leaves_only_the_next_points_own_reads_to_send(session, factory):
    for point in ("testila", "muurame"):
        factory.point(point, municipality=point)
    factory.service("kela-benefits", agency="kela", points=("testila", "muurame"))
    factory.expert("kela-anna", agency="kela", services=("kela-benefits",))
    session.commit()
    calendars.free_times(session, "testila", "kela-benefits", WEDNESDAY, WEDNESDAY, NOW)
    sent = sent_on_calendar_connections(
        lambda: calendars.free_times(session, "muurame", "kela-benefits", WEDNESDAY, WEDNESDAY, NOW)
    )
    # The region's calendar and the agency's experts' weeks are kept from testila.
    assert sorted(name for name, _ in sent) == sorted(
        ["the point's service", "the point's calendar", "day revisions", "appointments"]
    )


def test_rows_read_ahead_are_not_served_to_a_later_computation(session, factory):
    factory.region()
    session.commit()
    reads = [head_read("postgresql", ["testila"], "kela-benefits")]
    reads.append(point_calendar_read("postgresql", ["testila"]))

    def read_ahead(reader):
        prefetch(reader.connection(), lambda: reads)
        return calendar_rows(reader.connection(), *reads[0])[0][2]

    def read_ahead_not_asked(reader):
        prefetch(reader.connection(), lambda: reads)

    assert read_calendar(session, read_ahead) == 30  # the service's minutes
    read_calendar(session, read_ahead_not_asked)
    service = session.get(Service, "kela-benefits")
    service.duration_minutes = 45
    session.commit()
    minutes = read_calendar(session, lambda reader: calendar_rows(reader.connection(), *reads[0]))
    assert minutes[0][2] == 45


def test_each_read_straight_through_the_driver_gives_the_rows_sqlalchemy_gives(session, factory):
    """What the free times are computed from is the same whichever way it is read: a
    column that SQLAlchemy's types would turn into something else shows here."""
    world = factory.region()
    ten = datetime.combine(WEDNESDAY, time(10), tzinfo=HELSINKI).astimezone(UTC)
    booked = factory.appointment(point=world["point"], service=world["service"], starts_at=ten)
    held = ten + timedelta(hours=2)
    factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=held,
        status=AppointmentStatus.HELD,
    )
    factory.closure("testila", WEDNESDAY + timedelta(days=1), starts=time(12), ends=time(13))
    session.add(
        ExpertAbsence(expert=world["expert"], starts_at=ten, ends_at=ten + timedelta(days=1))
    )
    session.commit()
    later = timedelta(minutes=15)  # a move raises the day revisions of its days
    booked.starts_at, booked.ends_at = ten + later, booked.ends_at + later
    booked.blocked_until += later
    session.commit()
    window = {
        "since": ten - timedelta(days=2),
        "until": ten + timedelta(days=3),
        "window_start": ten - timedelta(days=1),
    }
    ids = {"room_ids": [world["room"].id], "expert_ids": [world["expert"].id]}
    reads = [
        region_calendar_read(),
        head_read("postgresql", ["testila"], "kela-benefits"),
        point_calendar_read("postgresql", ["testila"]),
        experts_hours_read("postgresql", "kela-benefits"),
        day_revisions_read("postgresql", ["testila"], "kela-benefits", WEDNESDAY, WEDNESDAY),
        (calendar_queries("postgresql").busy, {**ids, **window}),
    ]
    through_sqlalchemy = [
        [tuple(row) for row in session.connection().execute(*read)] for read in reads
    ]
    session.commit()
    direct = read_calendar(
        session, lambda reader: [calendar_rows(reader.connection(), *read) for read in reads]
    )
    assert [bool(rows) for rows in through_sqlalchemy] == [False] + [True] * 5
    # The busy spans come in no particular order (the reader puts them in order).
    for rows in (direct, through_sqlalchemy):
        rows[-1].sort(key=lambda row: row[:4])
    assert direct == through_sqlalchemy
    expires = [row[4] for row in direct[-1] if row[4] is not None]
    # The hold's expiry, as its room's and its expert's: the same instant either way,
    # whatever the zone it comes in.
    assert len(expires) == 2
