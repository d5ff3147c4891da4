"""``POST /api/v1/appointments`` with an e-mail address instead of a mobile number.

As on the web pages: without ``phone`` the code goes by e-mail, read here from the
local SMTP server through the scheduler's real dispatch; the limit of coming
appointments per agency counts on the address, and a point's day takes at most two
online bookings without a number.  Neither a number nor an address is a clear 422.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind
from tests.api.documented import conforms
from tests.security import phone_proof as shared
from tests.security.phone_proof import TUESDAY_10, appointments, booking_body, outbox, post_code
from tests.security.test_foreign_and_email_booking import code_mailed_to

api, dispatcher, smtp, twilio, world = (
    shared.api,
    shared.dispatcher,
    shared.smtp,
    shared.twilio,
    shared.world,
)

NO_CONTACT = "Please give a mobile number, or an e-mail address if you have no mobile number"


def without_phone(**fields) -> dict:
    body = booking_body(**fields)
    del body["phone"]
    return body


def book(client, body: dict, language: str = "en"):
    return client.post("/api/v1/appointments", json=body, headers={"Accept-Language": language})


def start_at(hours_after_ten: int = 0, days_after_tuesday: int = 0) -> str:
    return (TUESDAY_10 + timedelta(days=days_after_tuesday, hours=hours_after_ten)).isoformat()


def test_without_a_phone_the_time_is_held_and_the_code_comes_by_e_mail(
    api, world, session, dispatcher, twilio, smtp, clock
):
    answer = book(api, without_phone(email="ann@example.com", language="en"))
    assert answer.status_code == 202, answer.get_json()
    held = answer.get_json()
    conforms(held, "HeldAppointment")
    assert held["status"] == "held"
    [message] = outbox(session)
    assert (message.kind, message.channel) == (MessageKind.VERIFICATION_CODE, MessageChannel.EMAIL)
    dispatcher.dispatch_batch()
    assert twilio.deliveries == []
    code = code_mailed_to(smtp, "ann@example.com")

    confirmed = post_code(api, held["id"], held["manage_token"], code)
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["status"] == "booked"
    [appointment] = appointments(session)
    assert appointment.status is AppointmentStatus.BOOKED
    assert (appointment.phone, appointment.email) == (None, "ann@example.com")
    dispatcher.dispatch_batch()  # the confirmation goes to the address too
    assert any(m["To"] == "ann@example.com" for m in smtp.messages[1:])
    assert twilio.deliveries == []


def test_a_null_phone_beside_an_address_is_the_same_as_none(api, world, session):
    answer = book(api, booking_body(phone=None, email="ann@example.com"))
    assert answer.status_code == 202, answer.get_json()
    assert appointments(session)[0].phone is None


@pytest.mark.parametrize(
    "body",
    [
        without_phone(),
        booking_body(phone=None, email=None),
        booking_body(phone="", email=""),
        booking_body(phone="   "),
    ],
)
def test_neither_a_number_nor_an_address_answers_422_saying_what_to_give(api, world, session, body):
    answer = book(api, body)
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["phone"].startswith(NO_CONTACT)
    assert appointments(session) == [] and outbox(session) == []


def test_the_refusal_comes_in_the_asked_language(api, world):
    finnish = book(api, without_phone(), language="fi").get_json()["errors"]["phone"]
    assert finnish.startswith("Anna matkapuhelinnumero tai")


def test_a_point_takes_two_bookings_without_a_number_a_day(api, world, session):
    answers = [
        book(api, without_phone(email=f"hoarder+{i}@example.com", start=start_at(i)))
        for i in range(3)
    ]
    assert [answer.status_code for answer in answers] == [202, 202, 422]
    refusal = answers[2].get_json()["errors"]["phone"]
    assert "no more times for bookings made with an e-mail address only" in refusal
    other_day = book(api, without_phone(email="hoarder+9@example.com", start=start_at(2, 1)))
    with_a_number = book(api, booking_body(phone="040 765 4321", start=start_at(2)))
    assert other_day.status_code == with_a_number.status_code == 202
    assert len(appointments(session)) == 4


def test_one_address_holds_at_most_two_coming_appointments_with_an_agency(api, world, session):
    answers = [
        book(api, without_phone(email="Ann@Example.com", start=start_at(0, day)))
        for day in range(3)
    ]
    assert [answer.status_code for answer in answers] == [202, 202, 422]
    assert (
        "This e-mail address already has the most upcoming appointments"
        in (answers[2].get_json()["errors"]["email"])
    )
    assert len(appointments(session)) == 2
