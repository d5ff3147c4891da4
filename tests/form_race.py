"""One desk form sent at once by several processes (a double click that reached
several workers): started with ``forkserver`` by ``tests/test_one_form_books_once.py``.

Each process builds its own engine, waits at a barrier, then books the same request
with the same form token through ``book_appointment`` and reports ``won``,
``already booked``, ``taken`` or ``error: ...``.
"""

from __future__ import annotations

import traceback
from datetime import datetime


def submit_the_form(
    database_url: str, token: str, start_iso: str, now_iso: str, user_id: int, barrier, results
) -> None:
    from booking.appointments.errors import AlreadyBooked, SlotTaken
    from booking.appointments.lifecycle import BookingRequest, book_appointment
    from booking.data.enums import BookingChannel
    from booking.data.sessions import make_engine, make_session_factory

    engine = make_engine(database_url)
    session = make_session_factory(engine)()
    request = BookingRequest(
        point_id="testila",
        service_id="kela-benefits",
        starts_at=datetime.fromisoformat(start_iso),
        name="Aino Asiakas",
        phone="014 123 4567",
        channel=BookingChannel.DESK,
        booked_by_user_id=user_id,
        request_token=token,
    )
    barrier.wait()
    try:
        book_appointment(session, request, now=datetime.fromisoformat(now_iso))
        session.commit()
        outcome = "won"
    except AlreadyBooked:
        outcome = "already booked"
    except SlotTaken:
        outcome = "taken"
    except Exception:  # reported, not raised: the test shows it
        outcome = "error: " + traceback.format_exc(limit=3)
    finally:
        session.rollback()
        session.close()
        engine.dispose()
    results.put(outcome)
