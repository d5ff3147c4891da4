"""PostgreSQL keeps the calendar's statements prepared from one request to the next.

A session that only read ends with COMMIT, so psycopg keeps what it prepared; one
that wrote is still rolled back when it is not committed.  Id lists are bound as one
array on PostgreSQL, so the same statement serves every length.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import ProgrammingError

from booking.data.calendar_queries import ROOM_ROW, calendar_queries
from booking.data.calendar_stamps import day_revisions_at_points
from booking.data.models import Room
from booking.data.sessions import make_session_factory
from tests.factories import Factory

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

DAY_REVISIONS = "%FROM calendar_day_revision%"


def prepared_like(session, pattern: str) -> int:
    return session.scalar(
        text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :pattern"),
        {"pattern": pattern},
    )


def read_day_revisions(sessions, points: list[str]) -> None:
    with sessions() as session:  # closed without a commit, as a request's session is
        day_revisions_at_points(
            session, points, "kela-benefits", date(2026, 3, 2), date(2026, 3, 8)
        )


@postgresql_only
def test_statements_stay_prepared_across_sessions_that_only_read(clean_database):
    engine = clean_database
    engine.dispose()  # one connection, used by every session in turn
    sessions = make_session_factory(engine)
    lists = [["a"], ["a", "b"], ["a", "b", "c"], ["d"], ["e", "f"], ["g"], ["h", "i", "j", "k"]]
    for points in lists:  # lengths differ: one statement all the same
        read_day_revisions(sessions, points)
    with sessions() as session:
        assert prepared_like(session, DAY_REVISIONS) == 1


@postgresql_only
def test_a_session_that_wrote_is_still_rolled_back(clean_database):
    engine = clean_database
    engine.dispose()
    sessions = make_session_factory(engine)
    with sessions() as session:
        Factory(session).point("testila", rooms=1)
        session.commit()
    with sessions() as session:
        session.execute(text("UPDATE room SET name = 'Renamed'"))
        assert session.scalar(select(Room.name)) == "Renamed"
    # closed without a commit: undone
    with sessions() as session:
        assert session.scalar(select(Room.name)) != "Renamed"
        assert session.scalar(select(func.count()).select_from(Room)) == 1


@postgresql_only
def test_a_failed_transaction_is_rolled_back_and_the_connection_serves_again(clean_database):
    engine = clean_database
    engine.dispose()
    sessions = make_session_factory(engine)
    with sessions() as session, pytest.raises(ProgrammingError):
        session.execute(text("SELECT no_such_column FROM room"))
    with sessions() as session:
        assert session.scalar(text("SELECT 1")) == 1


def test_id_lists_of_any_length_and_none(clean_database, factory):
    factory.point("testila", rooms=1)
    factory.point("muurame", rooms=1)
    factory.session.commit()
    sessions = make_session_factory(clean_database)
    queries = calendar_queries(clean_database.dialect.name)
    with sessions() as session:
        connection = session.connection()
        for points, expected in (([], 0), (["testila"], 1), (["testila", "muurame", "x"], 2)):
            rows = connection.execute(queries.point_calendar, {"point_ids": points}).all()
            assert len([row for row in rows if row.kind == ROOM_ROW]) == expected
