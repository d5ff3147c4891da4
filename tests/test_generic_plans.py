"""PostgreSQL's generic plans of the reads of ``appointment`` use its indexes.

psycopg prepares a statement on its fifth execution, and from then on PostgreSQL
may plan it once for any parameters (a generic plan).  A range on ``starts_at``
bounded on one side only looks, to a generic plan, like a third of the table: a
search for what holds a time then read the whole table, half a second a booking
with five million past appointments.  Here a table with years of history is read
the way a booking reads it, and each of those reads is planned generically; and
the way a month of free times not in the cache reads it, which always runs with
generic plans (``booking.data.calendar_reads``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import Engine, event, text

from booking.appointments.lifecycle import SlotTaken, book_appointment
from booking.data.availability import free_times
from booking.data.availability_cache import clear_availability_cache
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from tests.conftest import postgres_server_url
from tests.factories import NOW, Factory
from tests.test_appointments import TUESDAY_10, request_for

#: Past appointments of the one room and expert, an hour apart (four and a half years),
#: each of a person of its own.
HISTORY = 40_000
MONTH = timedelta(days=30)
_BIND = re.compile(r"%\((\w+)\)s")


@pytest.fixture
def database_with_history() -> Iterator[Engine]:
    server_url = postgres_server_url()
    if not server_url:
        pytest.skip("BOOKING_TEST_POSTGRES_URL not set")
    url = create_scratch_database(server_url, "booking_plans")
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        session = make_session_factory(engine)()
        world = Factory(session).region()
        session.commit()
        ids = {"room": world["room"].id, "expert": world["expert"].id}
        session.close()
        with engine.begin() as connection:
            connection.execute(_PAST, {**ids, "count": HISTORY, "before": TUESDAY_10})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE appointment"))
        yield engine
    finally:
        engine.dispose()
        drop_scratch_database(server_url, url)


_PAST = text(
    """INSERT INTO appointment (reference, ical_uid, revision, status, channel, point_id,
        service_id, room_id, expert_id, starts_at, ends_at, blocked_until, name, phone,
        language, topic, needs, cancel_reason, created_at, updated_at)
    SELECT 'P' || n, 'P' || n || '@past.invalid', 0, 'done', 'online', 'testila',
        'kela-benefits', :room, :expert, at, at + interval '30 minutes',
        at + interval '45 minutes', 'Past', '+35840' || lpad(n::text, 7, '0'), 'fi', '', '',
        '', at, at
    FROM generate_series(1, :count) AS n,
        LATERAL (SELECT CAST(:before AS timestamptz) - n * interval '1 hour' AS at) AS t"""
)


@contextmanager
def reads_of_appointments() -> Iterator[list[tuple[str, dict]]]:
    """The SELECTs reading ``appointment`` sent meanwhile, through any engine."""
    sent: list[tuple[str, dict]] = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().startswith("SELECT") and re.search(r"\bappointment\b", statement):
            sent.append((statement, dict(parameters or {})))

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", remember)


def reads_of_a_booking(engine: Engine) -> list[tuple[str, dict]]:
    """The SELECTs reading ``appointment`` of a booking and of a second booking of the
    same time (refused as just taken), as psycopg sent them."""
    sessions = make_session_factory(engine)
    with reads_of_appointments() as sent:
        for phone in ("040 123 4567", "040 765 4321"):
            with sessions() as session:
                try:
                    book_appointment(session, request_for(phone=phone), now=NOW)
                    session.commit()
                except SlotTaken:
                    session.rollback()
    return sent


def reads_of_a_month(engine: Engine) -> list[tuple[str, dict]]:
    """The SELECTs reading ``appointment`` of a month of free times not in the cache."""
    first = TUESDAY_10.date()
    clear_availability_cache()
    with reads_of_appointments() as sent, make_session_factory(engine)() as session:
        times = free_times(session, "testila", "kela-benefits", first, first + MONTH, NOW)
    assert times  # a month with free times was read
    return sent


def generic_plan(engine: Engine, statement: str, parameters: dict) -> str:
    """PostgreSQL's plan of ``statement`` for any parameters (PREPARE, then EXPLAIN
    EXECUTE with plan_cache_mode = force_generic_plan)."""
    order: list[str] = []

    def numbered(match: re.Match) -> str:
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    prepared = _BIND.sub(numbered, statement)
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        values = ", ".join(
            psycopg.sql.Literal(parameters[name]).as_string(driver) for name in order
        )
        connection.execute(text("SET plan_cache_mode = force_generic_plan"))
        connection.exec_driver_sql(f"PREPARE probe AS {prepared}".replace("%", "%%"))
        plan = connection.exec_driver_sql(f"EXPLAIN EXECUTE probe({values})".replace("%", "%%"))
        text_plan = "\n".join(row[0] for row in plan)
        connection.exec_driver_sql("DEALLOCATE probe")
        connection.rollback()
    return text_plan


def test_a_bookings_reads_of_appointments_use_the_indexes_in_a_generic_plan(
    database_with_history,
):
    reads = reads_of_a_booking(database_with_history)
    assert len(reads) >= 2  # what holds the time (the guard's question), what took it
    for statement, parameters in reads:
        plan = generic_plan(database_with_history, statement, parameters)
        assert "Seq Scan on appointment" not in plan, f"{statement}\n{plan}"


def test_a_months_reads_of_appointments_use_the_indexes_in_a_generic_plan(
    database_with_history,
):
    reads = reads_of_a_month(database_with_history)
    assert reads  # the rooms' and the first experts' appointments
    for statement, parameters in reads:
        plan = generic_plan(database_with_history, statement, parameters)
        assert "Seq Scan on appointment" not in plan, f"{statement}\n{plan}"
        # Each index scan reads the window only, not the room's or expert's history.
        for condition in index_conditions_on_appointment(plan):
            assert "starts_at > " in condition and "starts_at < " in condition, plan


def index_conditions_on_appointment(plan: str) -> list[str]:
    """The ``Index Cond`` of each index scan of ``appointment`` in an EXPLAIN text."""
    lines = plan.splitlines()
    return [
        following.strip()
        for number, line in enumerate(lines)
        if re.search(r"Scan (using|on) ix_appointment_", line)
        for following in lines[number + 1 : number + 2]
        if "Index Cond:" in following
    ]
