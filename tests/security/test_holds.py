"""Proving the number: an online booking holds its time until the texted code is typed.

From outside: the JSON API and the citizen's pages of the real app, the code
read from what the fake Twilio server received through the scheduler's real
dispatch, on SQLite and PostgreSQL.  Holds expire by the clock alone.
"""

from __future__ import annotations

import random
import re

from booking.data.enums import AppointmentStatus, MessageKind, MessageStatus
from scheduler.app import build_runtime, run_once
from tests.api.documented import conforms
from tests.scheduler.conftest import ACCOUNT_SID
from tests.security import phone_proof as shared
from tests.security.phone_proof import (
    VICTIM,
    appointments,
    code_texted_to,
    outbox,
    post_booking,
    post_code,
    texts_to,
)

# The shared fixtures, by name: pytest finds fixtures among a module's names.
api, dispatcher, smtp, twilio, world = (
    shared.api,
    shared.dispatcher,
    shared.smtp,
    shared.twilio,
    shared.world,
)

AVAILABILITY = (
    "/api/v1/points/testila/availability?service=kela-benefits&from=2026-03-03&to=2026-03-03"
)


def free_on_tuesday(client) -> list[str]:
    return client.get(AVAILABILITY).get_json()["times"]


def test_a_booking_holds_its_time_until_the_texted_code_books_it(
    api,
    world,
    session,
    dispatcher,
    twilio,
    clock,
):
    answer = post_booking(api, email="maija@example.fi")
    assert answer.status_code == 202, answer.get_json()
    held = answer.get_json()
    conforms(held, "HeldAppointment")
    assert held["status"] == "held"
    assert held["expires_at"] == "2026-03-02T10:10:00+02:00"  # now + 10 minutes
    assert [m.kind for m in outbox(session)] == [MessageKind.VERIFICATION_CODE]

    assert dispatcher.dispatch_batch().sent == 1
    [text] = texts_to(twilio, VICTIM)
    code = code_texted_to(twilio, VICTIM)
    assert text == f"{code} on Etävaraus-koodisi. Se on voimassa klo 10.10 asti. " + (
        "Älä kerro koodia kenellekään."
    )
    [stored] = outbox(session)
    assert code not in stored.body and "******" in stored.body
    assert stored.one_time_code is None  # sent: no copy stays
    [appointment] = appointments(session)
    assert code not in (appointment.code_hash or "")

    wrong = "000000" if code != "000000" else "111111"
    refused = post_code(api, held["id"], held["manage_token"], wrong, **{"Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json() == {
        "errors": {"code": "The code is not right. Please check the text message and try again."}
    }
    assert [m.kind for m in outbox(session)] == [MessageKind.VERIFICATION_CODE]

    booked = post_code(api, held["id"], held["manage_token"], code)
    assert booked.status_code == 200, booked.get_json()
    conforms(booked.get_json(), "Appointment")
    assert booked.get_json()["status"] == "booked"
    assert dispatcher.dispatch_batch().sent == 2  # the confirmation: SMS and e-mail, now
    assert texts_to(twilio, VICTIM)[-1].startswith("Aikasi on varattu: Kela ti 3.3.2026")
    again = post_code(api, held["id"], held["manage_token"], code)
    assert again.status_code == 200  # a second click changes nothing
    assert dispatcher.dispatch_batch().claimed == 0


def test_a_held_time_is_busy_until_it_expires_then_free_to_book(
    api,
    world,
    session,
    clock,
):
    before = free_on_tuesday(api)
    assert "2026-03-03T10:00:00+02:00" in before
    held = post_booking(api).get_json()
    assert "2026-03-03T10:00:00+02:00" not in free_on_tuesday(api)  # cached from here on
    clock.move(minutes=9, seconds=59)
    assert "2026-03-03T10:00:00+02:00" not in free_on_tuesday(api)
    assert post_booking(api, phone="050 765 4321").status_code == 409

    clock.move(seconds=1)  # the hold's time is up: nothing was written, yet it is free
    assert free_on_tuesday(api) == before
    other = post_booking(api, phone="050 765 4321")
    assert other.status_code == 202
    statuses = {a.id: a.status for a in appointments(session)}
    assert statuses == {held["id"]: AppointmentStatus.EXPIRED, other.get_json()["id"]: "held"}

    late = post_code(api, held["id"], held["manage_token"], "123456", **{"Accept-Language": "sv"})
    assert late.status_code == 410
    assert late.get_json()["error"] == "hold_expired"
    assert "Välj en tid igen" in late.get_json()["message"]


def test_five_wrong_codes_end_the_hold_and_free_the_time(
    api,
    world,
    session,
    dispatcher,
    twilio,
    clock,
):
    held = post_booking(api).get_json()
    dispatcher.dispatch_batch()
    code = code_texted_to(twilio, VICTIM)
    wrong = [f"{(int(code) + step) % 10**6:06d}" for step in range(1, 6)]
    answers = [post_code(api, held["id"], held["manage_token"], guess) for guess in wrong]
    assert [answer.status_code for answer in answers] == [422, 422, 422, 422, 410]
    assert post_code(api, held["id"], held["manage_token"], code).status_code == 410
    assert "2026-03-03T10:00:00+02:00" in free_on_tuesday(api)
    assert [a.status for a in appointments(session)] == [AppointmentStatus.EXPIRED]


def test_a_number_is_sent_three_codes_an_hour(api, world, session, clock):
    starts = ["2026-03-03T10:00+02:00", "2026-03-03T11:00+02:00", "2026-03-03T12:00+02:00"]
    for start in starts:
        assert post_booking(api, start=start).status_code == 202
        clock.move(minutes=11)  # each hold lapses unconfirmed
    fourth = post_booking(api, start="2026-03-03T13:00+02:00")
    assert fourth.status_code == 429
    assert fourth.get_json()["error"] == "too_many_codes"
    assert len(outbox(session, kind=MessageKind.VERIFICATION_CODE)) == 3
    clock.move(minutes=30)  # an hour after the first code
    assert post_booking(api, start="2026-03-03T13:00+02:00").status_code == 202


def test_parallel_holds_of_one_number_count_toward_its_active_limit(api, world, clock):
    first = post_booking(api, start="2026-03-03T10:00+02:00")
    second = post_booking(api, start="2026-03-03T11:00+02:00")
    third = post_booking(api, start="2026-03-03T12:00+02:00")
    assert [first.status_code, second.status_code, third.status_code] == [202, 202, 422]
    assert "phone" in third.get_json()["errors"]


def test_sixty_posts_with_random_numbers_book_nothing(
    api,
    world,
    session,
    database_url,
    twilio,
    clock,
):
    """The attack as reproduced before: 60 posts from one address with random Finnish
    mobile numbers, on any free time of a busy day.  Without the codes: 0 booked."""
    starts = [f"2026-03-03T{h:02d}:{m:02d}+02:00" for h in range(9, 15) for m in (0, 15, 30, 45)]
    before = free_on_tuesday(api)
    numbers = random.Random(60).sample(range(10**7), 60)
    answers = [
        post_booking(api, phone=f"040{number:07d}", start=starts[n % len(starts)])
        for n, number in enumerate(numbers)
    ]
    held = [answer for answer in answers if answer.status_code == 202]
    assert held and {answer.status_code for answer in answers} <= {202, 409, 422}
    runtime = build_runtime(
        {
            "BOOKING_DATABASE_URL": database_url,
            "BOOKING_BASE_URL": "http://booking.test",
            "BOOKING_SMS_BACKEND": "twilio",
            "BOOKING_TWILIO_API_BASE": twilio.base_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": "test-token",
        }
    )
    try:
        run_once(runtime)  # the real scheduler: codes go out, nothing else
        texts = [delivery.body for delivery in twilio.deliveries]
        assert len(texts) == len(held)
        assert all(re.match(r"\d{6} on Etävaraus-koodisi", text) for text in texts)
        clock.move(minutes=10)
        run_once(runtime)  # the sweep marks every hold expired
    finally:
        runtime.engine.dispose()
    statuses = [a.status for a in appointments(session)]
    assert statuses.count(AppointmentStatus.BOOKED) == 0
    assert statuses == [AppointmentStatus.EXPIRED] * len(held)
    assert len(twilio.deliveries) == len(held)  # no confirmation to any stranger
    assert free_on_tuesday(api) == before  # every held time is free again
    print(f"\n60 posts with random numbers: {len(held)} held, 0 booked, all expired")


def test_the_scheduler_sends_no_code_for_a_hold_that_has_ended(
    api,
    world,
    session,
    dispatcher,
    twilio,
    clock,
):
    post_booking(api)
    clock.move(minutes=10)
    report = dispatcher.dispatch_batch()
    assert (report.sent, report.skipped) == (0, 1)
    [message] = outbox(session)
    assert message.status == MessageStatus.SKIPPED and message.one_time_code is None
    assert twilio.deliveries == []


def test_the_console_sender_of_make_run_prints_the_code_and_nothing_else(capsys):
    from notifications.senders import ConsoleSmsSender, SmsMessage

    text = "123456 on Etävaraus-koodisi. Se on voimassa klo 10.10 asti."
    ConsoleSmsSender().send(SmsMessage(to=VICTIM, body=text, code="123456"))
    printed = capsys.readouterr().out
    assert "verification code 123456" in printed
    assert VICTIM not in printed and "Etävaraus" not in printed


def test_the_citizens_pages_ask_for_the_code_and_book_only_with_it(
    app, world, session, dispatcher, twilio, clock
):
    app.config["BOOKING_VERIFY_PHONE"] = True
    client = app.test_client()
    form = {
        "point": "testila",
        "service": "kela-benefits",
        "start": "2026-03-03T10:00+02:00",
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "email": "",
        "language": "en",
        "topic": "",
        "interpreter_language": "",
        "needs": "",
    }
    answer = client.post("/book/confirm?lang=en", data=form)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/code")
    again = client.post("/book/confirm?lang=en", data=form)  # a second click
    assert again.headers["Location"] == answer.headers["Location"]
    code_url = answer.headers["Location"]
    token = code_url.rsplit("/", 2)[-2]
    assert client.get(f"/manage/{token}").headers["Location"].endswith(f"/manage/{token}/code")

    page = client.get(code_url + "?lang=en").get_data(as_text=True)
    assert "We sent a code to 040 123 4567 by text message." in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert [m.kind for m in outbox(session)] == [MessageKind.VERIFICATION_CODE]
    dispatcher.dispatch_batch()
    code = code_texted_to(twilio, VICTIM)

    wrong = client.post(code_url + "?lang=sv", data={"code": "12345"})
    assert wrong.status_code == 422
    assert "Skriv kodens 6 siffror." in wrong.get_data(as_text=True)
    booked = client.post(code_url + "?lang=en", data={"code": code[:3] + " " + code[3:]})
    assert booked.status_code == 303 and booked.headers["Location"].endswith("/confirmed")
    assert [a.status for a in appointments(session)] == [AppointmentStatus.BOOKED]
    kinds = [m.kind for m in outbox(session)]
    assert kinds.count(MessageKind.CONFIRMATION) == 1  # queued only now


def test_the_code_page_of_an_ended_hold_leads_back_to_the_times(app, world, clock):
    app.config["BOOKING_VERIFY_PHONE"] = True
    client = app.test_client()
    held = post_booking(client).get_json()
    clock.move(minutes=11)
    page = client.get(f"/manage/{held['manage_token']}/code?lang=fi")
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "Aikaa ei enää pidetä sinulle" in text and "/book/testila/kela-benefits" in text
