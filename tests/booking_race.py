"""A booking race run in a separate process: many attempts through ``book_appointment``.

Started with the ``spawn`` method by ``tests/test_no_double_booking.py``: each
process builds its own engine, waits at a barrier so that all start together,
then tries its list of (point, service, start) one transaction each, and
reports what each attempt got: ``won``, ``taken`` or ``error: ...``.
"""

from __future__ import annotations

import time
import traceback
from datetime import datetime


def run_attempts(
    database_url: str,
    worker: int,
    attempts: list[tuple[str, str, str]],
    now_iso: str,
    guard_only: bool,
    expert_id: int,
    barrier,
    results,
) -> None:
    """Try each attempt; put ``(worker, [(attempt, outcome), ...], seconds)`` on
    ``results`` (seconds: from the barrier to the last answer).

    ``guard_only``: skip the service layer's friendly check (always "pick" the
    point's first room and ``expert_id``), so only the database guard stands
    between two processes and an overlap."""
    from booking import calendars
    from booking.appointments import BookingRequest, SlotTaken, book_appointment
    from booking.db import make_engine, make_session_factory
    from booking.models import Room

    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    now = datetime.fromisoformat(now_iso)
    if guard_only:
        rooms = {}

        def first_room(session, point_id, _service_id, _start, _now):
            if point_id not in rooms:
                rooms[point_id] = session.query(Room.id).filter_by(point_id=point_id).scalar()
            return rooms[point_id], expert_id

        calendars.pick_for_booking = first_room
    outcomes = []
    barrier.wait()
    started = time.perf_counter()
    for number, (point_id, service_id, start_iso) in enumerate(attempts):
        request = BookingRequest(
            point_id=point_id,
            service_id=service_id,
            starts_at=datetime.fromisoformat(start_iso),
            name="Kilpa Varaaja",
            phone=f"040{worker:02d}{number:05d}",
        )
        session = sessions()
        try:
            book_appointment(session, request, now=now, with_alternatives=False)
            session.commit()
            outcome = "won"
        except SlotTaken:
            session.rollback()
            outcome = "taken"
        except Exception as error:  # reported to the test, which fails on it
            session.rollback()
            lines = traceback.format_exception_only(type(error), error)
            outcome = "error: " + "".join(lines).strip()[:300]
        finally:
            session.close()
        outcomes.append(((point_id, service_id, start_iso), outcome))
    elapsed = time.perf_counter() - started
    engine.dispose()
    results.put((worker, outcomes, elapsed))
