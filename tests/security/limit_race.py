"""One process of the active-limit race: one booking with a shared mobile number.

Started by ``tests/security/test_active_limit_race.py`` (forkserver): builds
its own engine, waits at a barrier so that all start together, books (or
holds) its own time with the number every process uses, and reports
``won``, ``limit``, ``taken`` or ``error: ...``.
"""

from __future__ import annotations

import traceback
from datetime import datetime


def book_with_the_shared_number(
    database_url: str, start_iso: str, now_iso: str, hold: bool, barrier, results
) -> None:
    from booking.appointments.errors import SlotTaken, TooManyActiveBookings
    from booking.appointments.lifecycle import BookingRequest, HoldPolicy, book_appointment
    from booking.data.sessions import make_engine, make_session_factory

    engine = make_engine(database_url)
    session = make_session_factory(engine)()
    request = BookingRequest(
        point_id="testila",
        service_id="kela-benefits",
        starts_at=datetime.fromisoformat(start_iso),
        name="Sama Numero",
        phone="040 123 4567",
    )
    barrier.wait()
    try:
        book_appointment(
            session,
            request,
            now=datetime.fromisoformat(now_iso),
            max_active_per_agency=2,
            hold=HoldPolicy() if hold else None,
        )
        session.commit()
        outcome = "won"
    except TooManyActiveBookings:
        outcome = "limit"
    except SlotTaken:
        outcome = "taken"
    except Exception as error:  # reported to the test, which fails on it
        lines = traceback.format_exception_only(type(error), error)
        outcome = "error: " + "".join(lines).strip()[:300]
    finally:
        session.close()
        engine.dispose()
    results.put(outcome)
