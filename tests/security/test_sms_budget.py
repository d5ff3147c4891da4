"""A budget per recipient: however often a number is named, its SMS stay few.

Whoever books names the number the texts go to.  Outside reminders a number
gets at most 5 SMS a day (then e-mail only, or nothing, and the desk sees
it); a move replaces a "moved" text still waiting instead of adding one; a
citizen moves one appointment at most 3 times a day.  Real dispatch through
the ``twilio`` client to the fake Twilio server; time moves with ``clock``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.data.enums import AppointmentStatus, MessageChannel, MessageKind, MessageStatus
from tests.security import phone_proof as shared
from tests.security.phone_proof import (
    VICTIM,
    appointments,
    booking_body,
    outbox,
    post_booking,
    texts_to,
)
from tests.staff import conftest as staff

# The shared fixtures, by name: pytest finds fixtures among a module's names.
api, dispatcher, smtp, twilio, world = (
    shared.api,
    shared.dispatcher,
    shared.smtp,
    shared.twilio,
    shared.world,
)
signed_in, staff_world = staff.signed_in, staff.staff_world

#: Two free times on Tuesday 3.3.2026 (Helsinki 10:00 and 13:00).
TEN, ONE = "2026-03-03T10:00:00+02:00", "2026-03-03T13:00:00+02:00"
HOSTILE_SECONDS = 90
POLL_SECONDS = 5  # the scheduler's default poll


def move(client, appointment_id: int, token: str, start: str, **headers):
    return client.post(
        f"/api/v1/appointments/{appointment_id}/move",
        json={"start": start},
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def test_ninety_seconds_of_hostile_moves_text_the_victim_twice(
    app, world, session, dispatcher, twilio, clock
):
    """The attack as reproduced before (87 moves in 90 s, 19 SMS), where the attacker
    does hold a booking with the victim's number (numbers unproven): a move a second,
    back and forth, the scheduler polling every 5 s."""
    client = app.test_client()  # BOOKING_VERIFY_PHONE off: booked at once
    booked = client.post("/api/v1/appointments", json=booking_body(start=TEN)).get_json()
    answers = []
    for second in range(HOSTILE_SECONDS):
        target = ONE if second % 2 == 0 else TEN
        answers.append(move(client, booked["id"], booked["manage_token"], target).status_code)
        if second % POLL_SECONDS == 0:
            dispatcher.dispatch_batch()
        clock.move(seconds=1)
    dispatcher.dispatch_batch()
    moved = answers.count(200)
    received = texts_to(twilio, VICTIM)
    assert moved == 3 and answers.count(422) == HOSTILE_SECONDS - 3
    assert len(received) == 2  # the confirmation, and one "moved" for three moves
    assert received[1].startswith("Aikasi on siirretty: Kela ti 3.3.2026 klo 13.00.")
    refused = move(client, booked["id"], booked["manage_token"], TEN, **{"Accept-Language": "sv"})
    assert refused.get_json() == {
        "errors": {
            "start": "Den här tiden har redan flyttats 3 gånger i dag. Försök igen i morgon "
            "eller ring servicekontoret."
        }
    }
    print(f"\n{HOSTILE_SECONDS} s of hostile moves: {moved} moved, {len(received)} SMS")


def test_ninety_seconds_of_hostile_bookings_with_a_victims_number_book_nothing(
    api, world, session, dispatcher, twilio, clock
):
    """With numbers proven (the default) the attacker cannot book with the victim's
    number at all: a booking a second for 90 s holds two times (the number's active
    limit) and sends the victim their two codes; nothing is booked."""
    answers = []
    for second in range(HOSTILE_SECONDS):
        start = TEN if second % 2 == 0 else ONE
        answers.append(post_booking(api, start=start).status_code)
        if second % POLL_SECONDS == 0:
            dispatcher.dispatch_batch()
        clock.move(seconds=1)
    dispatcher.dispatch_batch()
    assert set(answers) <= {202, 409, 422, 429}
    received = texts_to(twilio, VICTIM)
    assert len(received) == 2 and answers.count(202) == 2
    assert AppointmentStatus.BOOKED not in {a.status for a in appointments(session)}
    print(f"\n{HOSTILE_SECONDS} s of hostile bookings: 0 booked, {len(received)} SMS (codes)")


def test_moves_a_day_are_capped_with_a_refusal_in_the_citizens_language(app, world, clock):
    client = app.test_client()
    booked = client.post("/api/v1/appointments", json=booking_body(start=TEN)).get_json()
    token = booked["manage_token"]
    for start in (ONE, TEN, ONE):
        answer = client.post(f"/manage/{token}/move/confirm?lang=fi", data={"start": start})
        assert answer.status_code == 303
    fourth = client.post(f"/manage/{token}/move/confirm?lang=fi", data={"start": TEN})
    assert fourth.status_code == 422
    assert "Tätä aikaa on jo siirretty tänään 3 kertaa." in fourth.get_data(as_text=True)
    clock.move(days=1)  # Tuesday 10:00: a new day, new moves (the appointment is at 13:00)
    wednesday = "2026-03-04T10:00:00+02:00"
    again = client.post(f"/manage/{token}/move/confirm?lang=fi", data={"start": wednesday})
    assert again.status_code == 303


def test_a_move_replaces_the_moved_text_still_waiting(app, world, session, dispatcher, twilio):
    client = app.test_client()
    booked = client.post("/api/v1/appointments", json=booking_body(start=TEN)).get_json()
    dispatcher.dispatch_batch()
    for start in (ONE, TEN):
        assert move(client, booked["id"], booked["manage_token"], start).status_code == 200
    waiting = outbox(session, kind=MessageKind.MOVED, status=MessageStatus.PENDING)
    assert [(m.channel, m.revision) for m in waiting] == [(MessageChannel.SMS, 2)]
    dispatcher.dispatch_batch()
    texts = texts_to(twilio, VICTIM)
    assert len(texts) == 2 and texts[1].startswith(
        "Aikasi on siirretty: Kela ti 3.3.2026 klo 10.00."
    )


def test_a_number_gets_five_sms_a_day_then_email_only_and_the_desk_sees_it(
    app, signed_in, staff_world, session, dispatcher, twilio, smtp, clock
):
    app.config["BOOKING_VERIFY_PHONE"] = True  # the desk never needs a code
    client = signed_in("advisor_a")
    tuesday_nine = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    for step in range(6):
        answer = client.post(
            "/desk/book/confirm",
            data={
                "phone": "040 123 4567",
                "name": "Aino Asiakas",
                "email": "aino@example.fi",
                "point_id": "testila",
                "service_id": "kela-benefits",
                "day": "2026-03-03",
                "language": "fi",
                "interpreter_language": "",
                "needs": "",
                "starts_at": (tuesday_nine + timedelta(minutes=45 * step)).isoformat(),
            },
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    mine = appointments(session, phone=VICTIM)
    assert [a.status for a in mine] == [AppointmentStatus.BOOKED] * 6
    confirmations = outbox(session, kind=MessageKind.CONFIRMATION, channel=MessageChannel.SMS)
    assert [m.status for m in confirmations] == [MessageStatus.PENDING] * 5 + [
        MessageStatus.OVER_LIMIT
    ]
    reminders = outbox(session, kind=MessageKind.REMINDER_DAY_BEFORE)
    assert len(reminders) == 6  # reminders are not limited
    dispatcher.dispatch_batch()
    assert len(texts_to(twilio, VICTIM)) == 5
    assert len(smtp.messages) == 6  # every confirmation still goes by e-mail

    page = client.get(f"/desk/appointments/{mine[-1].id}").get_data(as_text=True)
    assert "ei lähetetty: numeroon oli jo lähetetty tänään 5 tekstiviestiä" in page
    clock.move(days=1)  # a day later the number has its budget again
    client = signed_in("advisor_a")  # the first session ended while idle
    client.post(f"/desk/appointments/{mine[0].id}/cancel", data={"reason": ""})
    cancelled = outbox(session, kind=MessageKind.CANCELLED, channel=MessageChannel.SMS)
    assert [m.status for m in cancelled] == [MessageStatus.PENDING]
