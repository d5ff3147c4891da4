"""Steps of the booking flow through the test client, shared by the page tests."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.data.models import Appointment, OutboxMessage

#: Tuesday 3 March 2026, 10:00 Helsinki time (UTC+2): a free time in the usual region.
START = "2026-03-03T10:00+02:00"


def details(**overrides: str) -> dict[str, str]:
    """A complete, valid details form for the usual region; ``overrides`` replace fields."""
    form = {
        "point": "testila",
        "service": "kela-benefits",
        "start": START,
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "email": "",
        "language": "fi",
        "topic": "",
        "interpreter_language": "",
        "needs": "",
    }
    form.update(overrides)
    return form


def book(client, lang: str = "en", **overrides: str):
    """POST the confirm step; returns the response (303 to the confirmation when booked)."""
    return client.post(f"/book/confirm?lang={lang}", data=details(**overrides))


def book_token(client, **overrides: str) -> str:
    """Book and return the manage token from the redirect to the confirmation page."""
    answer = book(client, **overrides)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    location = answer.headers["Location"]
    assert location.endswith("/confirmed")
    return location.rsplit("/", 2)[-2]


def stored_counts(session) -> tuple[int, int]:
    """(appointments, outbox messages) in the database, read afresh.

    Ends its transaction, so that the app's next write is not kept waiting."""
    session.expire_all()
    counts = (
        session.scalar(select(func.count()).select_from(Appointment)),
        session.scalar(select(func.count()).select_from(OutboxMessage)),
    )
    session.rollback()
    return counts
