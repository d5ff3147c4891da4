"""On PostgreSQL, a range not cached reads through the calendar's own connections:
its first reads sent to the server together, and what was read ahead served only
to the computation it was read for."""

from __future__ import annotations

from datetime import date

import pytest
from psycopg import pq
from sqlalchemy import Engine, event

from booking.data import availability as calendars
from booking.data.calendar_inputs import head_read, point_calendar_read
from booking.data.calendar_reads import read_calendar
from booking.data.calendar_rows import DIRECT, calendar_rows, prefetch
from booking.data.models import Service
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
