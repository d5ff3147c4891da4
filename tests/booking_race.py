"""A booking race run in a separate process: many attempts through ``book_appointment``.

Started with the ``spawn`` method by ``tests/test_no_double_booking.py``: each
process builds its own engine, waits at a barrier so that all start together,
then tries its list of (point, service, start) one transaction each — and,
through the use case, moves some of what it won onto contested times — and
reports what each attempt got: ``won``, ``taken``, ``move won``, ``move taken``
or ``error: ...``.
"""

from __future__ import annotations

import time
import traceback
from datetime import datetime, timedelta


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
    from booking.appointments.lifecycle import BookingRequest, book_appointment, move_appointment
    from booking.data import availability as calendars
    from booking.data.models import Appointment, Room
    from booking.data.sessions import make_engine, make_session_factory

    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    now = datetime.fromisoformat(now_iso)
    if guard_only:
        rooms = {}

        def first_room(session, point_id, _service_id, _start, _now, **_options):
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
        outcome, appointment_id = attempt(
            sessions, lambda s, r=request: book_appointment(s, r, now=now)
        )
        outcomes.append(((point_id, service_id, start_iso), outcome))
        # Processes through the use case also move what they won 15 minutes earlier,
        # onto times others are booking at that moment.
        if outcome == "won" and not guard_only and request.starts_at.minute != 0:
            earlier = request.starts_at - timedelta(minutes=15)

            def move(session, appointment_id=appointment_id, earlier=earlier):
                appointment = session.get(Appointment, appointment_id)
                return move_appointment(session, appointment, earlier, now=now)

            move_outcome, _id = attempt(sessions, move)
            outcomes.append(((point_id, service_id, earlier.isoformat()), "move " + move_outcome))
    elapsed = time.perf_counter() - started
    engine.dispose()
    results.put((worker, outcomes, elapsed))


def attempt(sessions, change) -> tuple[str, int | None]:
    """Run ``change(session)`` in its own transaction: ("won", id), ("taken", None) or
    ("error: ...", None)."""
    from booking.appointments.lifecycle import SlotTaken

    session = sessions()
    try:
        result = change(session)
        session.commit()
        appointment = getattr(result, "appointment", result)
        return "won", appointment.id
    except SlotTaken:
        session.rollback()
        return "taken", None
    except Exception as error:  # reported to the test, which fails on it
        session.rollback()
        lines = traceback.format_exception_only(type(error), error)
        return "error: " + "".join(lines).strip()[:300], None
    finally:
        session.close()
