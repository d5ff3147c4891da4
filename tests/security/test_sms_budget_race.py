"""A number's daily SMS budget holds when changes at different points and agencies
text it at once, on SQLite and PostgreSQL.

Eleven real processes start together, each at a point and with an agency of its
own, so that no point's or agency's lock puts them in one queue: citizens cancel
and move appointments of the number, hold new times online (the code is
texted), an advisor books at the desk (the confirmation is texted) and an
administrator closes points (the appointments there are cancelled, the citizen
told).  Eleven SMS are asked for and the budget is five: only the number's own
lock, taken before every count, keeps the sixth out.  The texts are counted
where the victim would: at the fake Twilio server, after the scheduler's
dispatch.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from booking.data.enums import AppointmentStatus, MessageChannel, MessageStatus
from booking.engine.clock import HELSINKI
from booking.messages.sms_budget import SMS_PER_NUMBER_PER_DAY, UNLIMITED_KINDS
from tests.factories import NOW
from tests.process_race import run_together
from tests.security import phone_proof as shared
from tests.security.phone_proof import VICTIM, appointments, outbox, texts_to
from tests.security.sms_budget_race import text_the_shared_number

dispatcher, smtp, twilio = shared.dispatcher, shared.smtp, shared.twilio

TIMEOUT_SECONDS = 120
PRELOAD = ["booking.appointments.lifecycle", "booking.data.sessions"]
TEN = datetime(2026, 3, 3, 10, 0, tzinfo=HELSINKI)
ONE = datetime(2026, 3, 3, 13, 0, tzinfo=HELSINKI)
#: What each process does; the first three kinds act on an appointment of the number.
PLAN = ["cancel"] * 3 + ["move"] * 3 + ["close"] + ["hold"] * 2 + ["desk"] * 3
#: What becomes of the number's appointment (or new booking) after each kind.
AFTER = {
    "cancel": AppointmentStatus.CANCELLED,
    "close": AppointmentStatus.CANCELLED,
    "move": AppointmentStatus.BOOKED,
    "desk": AppointmentStatus.BOOKED,
    "hold": AppointmentStatus.HELD,
}


def separate_points_and_agencies(factory, count: int) -> list[tuple[object, object]]:
    """``count`` points, each offering the one service of an agency of its own."""
    places = []
    for number in range(count):
        point = factory.point(f"piste-{number}")
        agency = f"virasto-{number}"
        service = factory.service(f"palvelu-{number}", agency=agency, points=(point.id,))
        factory.expert(f"asiantuntija-{number}", agency=agency, services=(service.id,))
        places.append((point, service))
    return places


def plan_processes(database_url: str, factory) -> list[tuple]:
    processes = []
    for action, (point, service) in zip(
        PLAN, separate_points_and_agencies(factory, len(PLAN)), strict=True
    ):
        target = f"{point.id}/{service.id}"
        if action in ("cancel", "move"):
            mine = factory.appointment(point=point, service=service, starts_at=TEN, phone=VICTIM)
            target = str(mine.id)
        elif action == "close":
            factory.appointment(point=point, service=service, starts_at=TEN, phone=VICTIM)
            target = point.id
        start = ONE if action == "move" else TEN
        processes.append((database_url, action, target, start.isoformat(), NOW.isoformat()))
    return processes


@pytest.mark.slow
def test_changes_at_other_points_and_agencies_at_once_text_a_number_its_budget_only(
    database_url, session, factory, dispatcher, twilio
):
    outcomes = run_together(
        text_the_shared_number,
        plan_processes(database_url, factory),
        preload=PRELOAD,
        timeout=TIMEOUT_SECONDS,
    )

    assert set(outcomes) <= {"done", "limit"}, outcomes
    assert outcomes.count("limit") <= PLAN.count("hold")  # only a code is refused outright
    refused_holds = outcomes.count("limit")
    expected = [AFTER[action] for action in PLAN]
    for _ in range(refused_holds):
        expected.remove(AppointmentStatus.HELD)
    assert sorted(a.status for a in appointments(session, phone=VICTIM)) == sorted(expected)
    texts = [
        m
        for m in outbox(session, recipient=VICTIM, channel=MessageChannel.SMS)
        if m.kind not in UNLIMITED_KINDS
    ]
    spent = [m for m in texts if m.status == MessageStatus.PENDING]
    over = [m for m in texts if m.status == MessageStatus.OVER_LIMIT]
    assert len(spent) == SMS_PER_NUMBER_PER_DAY, [(m.kind, m.status) for m in texts]
    assert len(over) + refused_holds == len(PLAN) - SMS_PER_NUMBER_PER_DAY
    dispatcher.dispatch_batch()
    assert len(texts_to(twilio, VICTIM)) == SMS_PER_NUMBER_PER_DAY
