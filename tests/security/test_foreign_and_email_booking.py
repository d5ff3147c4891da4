"""Booking online with a foreign mobile number, or with an e-mail address only.

A foreign mobile gets the code by SMS like a Finnish one (``sms_capable`` is the
one rule).  Without a number that takes an SMS, the code goes to the e-mail
address.  An address proves less than a number (any number of them can be made
up), so bookings without a number are capped per point and day, on top of the
limits per address; that keeps what one person could hoard to a small share.
Through the citizen's pages of the real app, the code read from what the fake
Twilio and SMTP servers received through the scheduler's real dispatch.
"""

from __future__ import annotations

import re

import pytest

from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind
from tests.security import phone_proof as shared
from tests.security.phone_proof import appointments, code_texted_to, outbox

dispatcher, smtp, twilio, world = shared.dispatcher, shared.smtp, shared.twilio, shared.world

SWEDISH = "+46701234567"


@pytest.fixture
def web(app):
    app.config["BOOKING_VERIFY_PHONE"] = True
    return app.test_client()


def form(**fields) -> dict[str, str]:
    values = {
        "point": "testila",
        "service": "kela-benefits",
        "start": "2026-03-03T10:00+02:00",
        "name": "Ann Lee",
        "phone": "",
        "email": "",
        "language": "en",
        "topic": "",
        "interpreter_language": "",
        "needs": "",
    }
    return values | fields


def code_mailed_to(smtp, address: str) -> str:
    bodies = [m.get_content() for m in smtp.messages if m["To"] == address]
    codes = [re.match(r"(\d{6}) ", body) for body in bodies]
    found = [match.group(1) for match in codes if match]
    assert found, f"no code reached {address}"
    return found[-1]


def test_a_foreign_mobile_books_online_with_the_texted_code(
    web, world, session, dispatcher, twilio, clock
):
    answer = web.post("/book/confirm?lang=en", data=form(phone="+46 70 123 4567"))
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/code")
    code_url = answer.headers["Location"]
    page = web.get(code_url + "?lang=en").get_data(as_text=True)
    assert "We sent a code to +46 70 123 45 67 by text message." in page
    dispatcher.dispatch_batch()
    booked = web.post(code_url, data={"code": code_texted_to(twilio, SWEDISH)})
    assert booked.headers["Location"].endswith("/confirmed")
    [appointment] = appointments(session)
    assert appointment.status == AppointmentStatus.BOOKED and appointment.phone == SWEDISH


def test_without_a_mobile_number_the_code_comes_by_e_mail(
    web, world, session, dispatcher, twilio, smtp, clock
):
    answer = web.post("/book/confirm?lang=fi", data=form(email="ann@example.com"))
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/code")
    code_url = answer.headers["Location"]
    page = web.get(code_url + "?lang=fi").get_data(as_text=True)
    assert "Lähetimme koodin sähköpostiosoitteeseen ann@example.com." in page
    [message] = outbox(session)
    assert (message.kind, message.channel) == (MessageKind.VERIFICATION_CODE, MessageChannel.EMAIL)
    dispatcher.dispatch_batch()
    assert twilio.deliveries == []
    code = code_mailed_to(smtp, "ann@example.com")
    assert "******" in outbox(session)[0].body and code not in outbox(session)[0].body

    booked = web.post(code_url, data={"code": code})
    assert booked.headers["Location"].endswith("/confirmed")
    confirmed = web.get(booked.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "We will send a confirmation and a reminder to ann@example.com." in confirmed
    [appointment] = appointments(session)
    assert appointment.status == AppointmentStatus.BOOKED and appointment.phone is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "014 123 456", "email": "ann@example.com"}, "cannot receive our text messages"),
        ({"phone": "", "email": ""}, "Please give a mobile number, or an e-mail address"),
    ],
)
def test_a_landline_or_no_contact_at_all_is_refused_clearly(web, world, session, fields, message):
    answer = web.post("/book/confirm?lang=en", data=form(**fields))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert appointments(session) == []


def test_bookings_without_a_number_are_capped_per_point_and_day(web, world, session, clock):
    starts = ["10:00", "11:00", "12:00"]
    answers = [
        web.post(
            "/book/confirm?lang=en",
            data=form(email=f"hoarder+{i}@example.com", start=f"2026-03-03T{start}+02:00"),
        )
        for i, start in enumerate(starts)
    ]
    assert [a.status_code for a in answers] == [303, 303, 422]
    assert "no more times for bookings made with an e-mail address only" in (
        answers[2].get_data(as_text=True)
    )
    other_day = web.post(
        "/book/confirm", data=form(email="hoarder+9@example.com", start="2026-03-04T12:00+02:00")
    )
    with_a_number = web.post(
        "/book/confirm", data=form(phone="040 765 4321", start="2026-03-03T12:00+02:00")
    )
    assert other_day.status_code == 303 and with_a_number.status_code == 303
    assert len(appointments(session)) == 4


def test_one_address_holds_at_most_two_coming_appointments_with_an_agency(
    web, world, session, clock
):
    days = ["2026-03-03", "2026-03-04", "2026-03-05"]
    answers = [
        web.post("/book/confirm", data=form(email="Ann@Example.com", start=f"{day}T10:00+02:00"))
        for day in days
    ]
    assert [a.status_code for a in answers] == [303, 303, 422]
    assert len(appointments(session)) == 2
