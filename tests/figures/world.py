"""A fixed data set for the figures: two months, two points, two agencies, 14 appointments.

Every appointment goes through the use cases at the moment it happened
(booked, arrived, called, marked, cancelled), as the app would record it:

- February, Testilä (1 room), Kela's 30-minute service: 7 appointments booked on
  20 January — two calls with arrival (waited 3 and 0 min, lasted 25 and 31),
  one marked done without arrival, one no-show (English, with an interpreter),
  one cancelled early by the citizen, one late by the desk (13 h before), one
  technical failure after a 5-minute call (waited 5).
- February, Testilä, Vero's service: a call (waited 0, lasted 20) and a no-show.
- March, Toinen (2 rooms), Kela's service: 5 booked on 20 February — three calls
  (one without an arrival), one marked done, one never marked.

Lead times: 13–17, 20, 21 days; 13, 14; 10–14.  Both points are open Mon–Fri
9–15: February has 20 such days, March 22.
"""

from __future__ import annotations

from datetime import datetime

from booking.appointments import attendance
from booking.appointments.lifecycle import BookingRequest, book_appointment, cancel_appointment
from booking.data.enums import BookingChannel, FailureReason, Role
from booking.engine.clock import HELSINKI
from tests.staff.conftest import add_account


def local(text: str) -> datetime:
    """``"2026-02-02 09:00"`` Helsinki time, as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


def build_figures_world(factory) -> dict:
    session = factory.session
    factory.point("testila", name="Testilä", rooms=1)
    factory.point("toinen", name="Toinen", rooms=2, municipality="toinen")
    factory.service("kela-benefits", agency="kela", points=("testila", "toinen"))
    factory.service("vero-advice", agency="vero", points=("testila", "toinen"))
    factory.expert("kela-anna", agency="kela", services=("kela-benefits",))
    factory.expert("vero-ville", agency="vero", services=("vero-advice",))
    advisor = add_account(session, "advisor_a", Role.ADVISOR, points=[])
    expert = add_account(session, "expert_kela", Role.EXPERT, agency="kela")
    vero_expert = add_account(session, "expert_vero", Role.EXPERT, agency="vero")

    def book(point, service, start, booked_at, language="fi", *, desk=False, interpreter=None):
        request = BookingRequest(
            point_id=point,
            service_id=service,
            starts_at=local(start),
            name="Maija Meikäläinen",
            phone="+358401234567",
            email="maija@example.com",
            language=language,
            topic="",
            needs="Pyörätuoli",
            interpreter_language=interpreter,
            channel=BookingChannel.DESK if desk else BookingChannel.ONLINE,
            booked_by_user_id=advisor.id if desk else None,
        )
        booked = book_appointment(session, request, now=local(booked_at), max_active_per_agency=99)
        return booked.appointment

    def call(appointment, by, *, arrived=None, started=None, ended=None):
        """The steps of the call at these Helsinki times ("HH:MM") of its day."""
        day = appointment.starts_at.astimezone(HELSINKI).date().isoformat()
        if arrived:
            at = local(f"{day} {arrived}")
            attendance.check_in(session, appointment, now=at, by_user_id=advisor.id)
        if started:
            at = local(f"{day} {started}")
            attendance.start_call(session, appointment, now=at, by_user_id=by.id)
        if ended:
            attendance.end_call(session, appointment, now=local(f"{day} {ended}"), by_user_id=by.id)

    january = "2026-01-20 10:00"
    a1 = book("testila", "kela-benefits", "2026-02-02 09:00", january)
    call(a1, expert, arrived="08:55", started="09:03", ended="09:28")
    a2 = book("testila", "kela-benefits", "2026-02-03 09:00", january)
    call(a2, expert, arrived="08:50", started="09:00", ended="09:31")
    a3 = book("testila", "kela-benefits", "2026-02-04 09:00", january, desk=True, language="sv")
    attendance.mark_done(session, a3, now=local("2026-02-04 09:35"), by_user_id=expert.id)
    a4 = book("testila", "kela-benefits", "2026-02-05 09:00", january, "en", interpreter="uk")
    attendance.mark_no_show(session, a4, now=local("2026-02-05 09:20"), by_user_id=advisor.id)
    a5 = book("testila", "kela-benefits", "2026-02-06 09:00", january)
    cancel_appointment(session, a5, now=local("2026-01-25 12:00"))
    a6 = book("testila", "kela-benefits", "2026-02-09 09:00", january, desk=True)
    cancel_appointment(session, a6, now=local("2026-02-08 20:00"), by_user_id=advisor.id)
    a7 = book("testila", "kela-benefits", "2026-02-10 09:00", january)
    call(a7, expert, arrived="08:58", started="09:05")
    attendance.mark_failure(
        session,
        a7,
        now=local("2026-02-10 09:10"),
        by_user_id=expert.id,
        reason=FailureReason.CONNECTION,
    )
    b1 = book("testila", "vero-advice", "2026-02-02 10:00", january)
    call(b1, vero_expert, arrived="09:57", started="10:00", ended="10:20")
    b2 = book("testila", "vero-advice", "2026-02-03 10:00", january, desk=True)
    attendance.mark_no_show(session, b2, now=local("2026-02-03 10:30"), by_user_id=advisor.id)

    february = "2026-02-20 10:00"
    c1 = book("toinen", "kela-benefits", "2026-03-02 13:00", february)
    call(c1, expert, arrived="12:55", started="13:02", ended="13:30")
    c2 = book("toinen", "kela-benefits", "2026-03-03 13:00", february)
    call(c2, expert, arrived="12:59", started="13:00", ended="13:29")
    c3 = book("toinen", "kela-benefits", "2026-03-04 13:00", february, language="sv")
    call(c3, expert, started="13:10", ended="13:35")
    c4 = book("toinen", "kela-benefits", "2026-03-05 13:00", february, desk=True)
    attendance.mark_done(session, c4, now=local("2026-03-05 13:40"), by_user_id=expert.id)
    book("toinen", "kela-benefits", "2026-03-06 13:00", february, desk=True)
    session.commit()
    return {"advisor": advisor, "expert": expert, "last_end": local("2026-03-06 13:30")}
