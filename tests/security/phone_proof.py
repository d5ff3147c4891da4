"""Shared parts of the phone-proof tests: the app with numbers verified, the real
dispatch through the ``twilio`` client to the fake Twilio server, the texted code."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from booking.data.models import Appointment, OutboxMessage
from booking.data.sessions import read_only
from booking.engine.clock import HELSINKI
from tests.scheduler.conftest import make_dispatcher, smtp, twilio  # noqa: F401 (fixtures)

#: Tuesday 2026-03-03 10:00 Helsinki: free in the usual small world.
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=HELSINKI)
VICTIM = "+358401234567"


@pytest.fixture
def world(factory, clock):
    return factory.region()


@pytest.fixture
def api(app):
    """A client of the app as it runs by default: online bookings prove their number."""
    app.config["BOOKING_VERIFY_PHONE"] = True
    return app.test_client()


@pytest.fixture
def dispatcher(clean_database, twilio, smtp, clock):  # noqa: F811
    """The scheduler's dispatcher on the stopped clock, sending to the fake servers."""
    return make_dispatcher(clean_database, twilio, smtp)


def booking_body(**fields) -> dict:
    body = {
        "point": "testila",
        "service": "kela-benefits",
        "start": TUESDAY_10.isoformat(),
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "language": "fi",
    }
    body.update(fields)
    return body


def post_booking(client, **fields):
    return client.post("/api/v1/appointments", json=booking_body(**fields))


def post_code(client, appointment_id: int, token: str, code: str, **headers):
    return client.post(
        f"/api/v1/appointments/{appointment_id}/confirm",
        json={"code": code},
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def texts_to(twilio, number: str) -> list[str]:  # noqa: F811 (the fake, not the fixture)
    return [delivery.body for delivery in twilio.deliveries if delivery.to == number]


def code_texted_to(twilio, number: str) -> str:  # noqa: F811
    """The code of the latest verification text that reached ``number``."""
    codes = [re.match(r"(\d{6}) ", text) for text in texts_to(twilio, number)]
    found = [match.group(1) for match in codes if match]
    assert found, f"no code reached {number}"
    return found[-1]


def fresh(session, model, **where):
    """Rows read afresh, detached; the read ends at once, so the test never holds
    SQLite's write lock while the app or the scheduler works."""
    session.rollback()
    query = select(model).execution_options(populate_existing=True)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    with read_only():
        rows = session.scalars(query.order_by(model.id)).all()
        session.expunge_all()
        session.rollback()
    return rows


def appointments(session, **where) -> list[Appointment]:
    return fresh(session, Appointment, **where)


def outbox(session, **where) -> list[OutboxMessage]:
    return fresh(session, OutboxMessage, **where)
