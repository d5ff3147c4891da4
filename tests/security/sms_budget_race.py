"""One process of the SMS-budget race: one change that texts the shared number.

Started by ``tests/security/test_sms_budget_race.py`` (forkserver): builds its
own engine, waits at a barrier so that all start together, then does one thing
that texts the number, at a point and with an agency of its own: cancels or
moves its appointment as the citizen, holds a new time online (the code goes by
SMS), books one at the desk (the confirmation does), or closes the point for the
day as an administrator (the appointment there is cancelled, and the citizen
told).  Reports ``done``, ``limit`` or ``error: ...``.
"""

from __future__ import annotations

import traceback
from datetime import datetime


def text_the_shared_number(
    database_url: str, action: str, target: str, start_iso: str, now_iso: str, barrier, results
) -> None:
    """``action`` is ``cancel`` or ``move`` (``target`` an appointment id), ``hold`` or
    ``desk`` (``target`` "point/service") or ``close`` (``target`` a point id)."""
    from booking.appointments.errors import TooManyCodes
    from booking.appointments.lifecycle import (
        BookingRequest,
        HoldPolicy,
        book_appointment,
        cancel_appointment,
        move_appointment,
    )
    from booking.data.enums import BookingChannel
    from booking.data.models import Appointment
    from booking.data.sessions import make_engine, make_session_factory
    from booking.region.calendar_changes import close_point

    engine = make_engine(database_url)
    session = make_session_factory(engine)()
    now = datetime.fromisoformat(now_iso)
    barrier.wait()
    try:
        start = datetime.fromisoformat(start_iso)
        if action in ("hold", "desk"):
            point_id, service_id = target.split("/")
            request = BookingRequest(
                point_id=point_id,
                service_id=service_id,
                starts_at=start,
                name="Sama Numero",
                phone="040 123 4567",
                channel=BookingChannel.DESK if action == "desk" else BookingChannel.ONLINE,
            )
            hold = HoldPolicy() if action == "hold" else None
            book_appointment(session, request, now=now, max_active_per_agency=10, hold=hold)
        elif action == "close":
            close_point(session, target, start.date(), now=now, by_user_id=None)
        else:
            appointment = session.get(Appointment, int(target))
            if action == "cancel":
                cancel_appointment(session, appointment, now=now)
            else:
                move_appointment(session, appointment, start, now=now)
        session.commit()
        outcome = "done"
    except TooManyCodes:
        outcome = "limit"
    except Exception as error:  # reported to the test, which fails on it
        lines = traceback.format_exception_only(type(error), error)
        outcome = "error: " + "".join(lines).strip()[:300]
    finally:
        session.close()
        engine.dispose()
    results.put(outcome)
