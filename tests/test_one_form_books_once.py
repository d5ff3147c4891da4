"""One desk form sent by four processes at once books once, on SQLite and PostgreSQL.

The point has rooms and experts enough for four bookings at the same time, so
only the form's token stands between a double click and two appointments: the
first process books, the others are told it is already booked (the desk then shows
that booking) or, having looked before the winner committed, that the time was
just taken (and the desk, finding the token's booking, shows it too).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.data.enums import Role
from booking.data.models import Appointment
from tests.factories import NOW
from tests.form_race import submit_the_form
from tests.process_race import run_together
from tests.staff.conftest import add_account

PROCESSES = 4
TIMEOUT_SECONDS = 120


@pytest.mark.slow
def test_four_processes_sending_one_form_book_once(database_url, session, factory):
    factory.point("testila", rooms=PROCESSES)
    factory.service("kela-benefits", points=("testila",))
    for number in range(PROCESSES):
        factory.expert(f"kela-{number}", services=("kela-benefits",))
    advisor = add_account(session, "advisor", Role.ADVISOR)
    token = uuid.uuid4().hex
    start = NOW + timedelta(days=1)  # Tuesday 10.00 Helsinki

    arguments = (database_url, token, start.isoformat(), NOW.isoformat(), advisor.id)
    outcomes = run_together(
        submit_the_form,
        [arguments] * PROCESSES,
        preload=["booking.appointments.lifecycle"],
        timeout=TIMEOUT_SECONDS,
    )

    assert outcomes.count("won") == 1, outcomes
    assert set(outcomes) <= {"won", "already booked", "taken"}, outcomes
    session.rollback()
    booked = session.scalars(select(Appointment.request_token)).all()
    assert booked == [token]
