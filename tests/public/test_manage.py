"""Managing a booking by its link: see, cancel, move, and the calendar file (.ics).

The .ics is read with ``vobject``, a parser independent of the one that wrote it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import vobject
from sqlalchemy import select

from booking.appointments import lifecycle as appointments
from booking.appointments.alternatives import nearby_alternatives
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from booking.public import manage_views
from tests.public.booking_steps import book_token, stored_counts
from tests.write_lock import write_from_elsewhere


def page_text(answer) -> str:
    return answer.get_data(as_text=True)


def the_appointment(session) -> Appointment:
    """The one appointment as stored now, detached (the read transaction is ended)."""
    session.expire_all()
    appointment = session.scalars(select(Appointment)).one()
    session.expunge(appointment)
    session.rollback()
    return appointment


def calendar_of(client, token: str):
    answer = client.get(f"/manage/{token}/calendar.ics?lang=en")
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    assert "attachment" in answer.headers["Content-Disposition"]
    return vobject.readOne(answer.get_data(as_text=True))


def test_manage_page_shows_the_appointment_with_move_and_cancel(client, region):
    token = book_token(client)
    text = page_text(client.get(f"/manage/{token}?lang=en"))
    assert "Your appointment" in text
    assert "10:00–10:30" in text
    assert "Maija Meikäläinen" in text
    assert f"/manage/{token}/move" in text
    assert f"/manage/{token}/cancel" in text


@pytest.mark.parametrize("token", ["x" * 43, "short", "A" * 200])
def test_unknown_token_says_how_long_links_work_and_whom_to_call(client, region, token):
    answer = client.get(f"/manage/{token}?lang=fi")
    assert answer.status_code == 404
    text = page_text(answer)
    assert "Linkki ei toimi" in text
    assert "toimii 14 päivää tapaamisen jälkeen" in text
    assert "soita asiointipisteeseen" in text
    assert 'href="/"' in text  # to the service points: their numbers, and booking anew
    assert client.get(f"/manage/{token}/calendar.ics").status_code == 404
    assert client.post(f"/manage/{token}/cancel").status_code == 404


def test_link_stops_working_a_set_time_after_the_appointment(client, region, clock):
    token = book_token(client)
    clock.set(datetime(2026, 3, 3, 8, 30, tzinfo=UTC) + timedelta(days=13))
    assert client.get(f"/manage/{token}").status_code == 200
    clock.set(datetime(2026, 3, 3, 8, 30, tzinfo=UTC) + timedelta(days=15))
    assert client.get(f"/manage/{token}").status_code == 404


def test_cancel_with_a_reason_frees_the_time_and_shows_it_cancelled(client, region, session):
    token = book_token(client)
    confirm_page = page_text(client.get(f"/manage/{token}/cancel?lang=en"))
    assert "Yes, cancel the appointment" in confirm_page
    answer = client.post(f"/manage/{token}/cancel?lang=en", data={"reason": "Asia hoitui"})
    assert answer.status_code == 303
    appointment = the_appointment(session)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Asia hoitui"
    text = page_text(client.get(f"/manage/{token}?lang=en"))
    assert text.count("cancelled.") == 1  # one notice, not a flash repeating it
    assert "This appointment has been cancelled." in text
    assert f"/manage/{token}/cancel" not in text
    assert 'href="/book/testila/kela-benefits">Book a new time</a>' in text
    # The time is free again for someone else.
    day = page_text(client.get("/book/testila/kela-benefits/2026-03-03?lang=en"))
    assert "start=2026-03-03T10:00%2B02:00" in day


def test_cancel_reason_with_markup_is_refused_and_nothing_changes(client, region, session):
    token = book_token(client)
    answer = client.post(f"/manage/{token}/cancel?lang=en", data={"reason": "<b>x</b>"})
    assert answer.status_code == 422
    assert "Please check the following" in page_text(answer)
    assert "<b>x</b>" not in page_text(answer)
    assert the_appointment(session).status == AppointmentStatus.BOOKED


def test_move_keeps_the_appointment_and_its_calendar_uid(client, region, session):
    token = book_token(client)
    booked = the_appointment(session)
    before = (booked.id, booked.ical_uid, booked.revision)
    month = page_text(client.get(f"/manage/{token}/move?lang=en"))
    assert f"/manage/{token}/move/2026-03-04" in month
    day = page_text(client.get(f"/manage/{token}/move/2026-03-04?lang=en"))
    assert "start=2026-03-04T11:00%2B02:00" in day
    review = client.get(f"/manage/{token}/move/confirm?start=2026-03-04T11:00%2B02:00&lang=en")
    assert "Move to the new time" in page_text(review)
    answer = client.post(
        f"/manage/{token}/move/confirm?lang=en", data={"start": "2026-03-04T11:00+02:00"}
    )
    assert answer.status_code == 303
    after = the_appointment(session)
    assert (after.id, after.ical_uid, after.revision) == (before[0], before[1], before[2] + 1)
    assert after.starts_at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert "Your appointment has been moved." in page_text(client.get(f"/manage/{token}?lang=en"))


def test_move_offers_times_overlapping_its_own_but_not_others(client, region, session, factory):
    token = book_token(client)  # Tuesday 10:00–10:30, set-up until 10:45
    factory.appointment(
        point=region["point"],
        service=region["service"],
        starts_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),  # 11:00, someone else's
        name="Toinen Asiakas",
    )
    day = page_text(client.get(f"/manage/{token}/move/2026-03-03?lang=en"))
    assert "start=2026-03-03T09:45%2B02:00" in day  # ends as mine begins
    assert "start=2026-03-03T10:15%2B02:00" in day  # overlaps only my own time
    assert "start=2026-03-03T10:30%2B02:00" not in day  # its set-up would reach 11:00
    assert "start=2026-03-03T11:00%2B02:00" not in day
    month = page_text(client.get(f"/manage/{token}/move?month=2026-03&lang=en"))
    assert f"/manage/{token}/move/2026-03-03" in month
    answer = client.post(
        f"/manage/{token}/move/confirm?lang=en", data={"start": "2026-03-03T10:15+02:00"}
    )
    assert answer.status_code == 303
    session.expire_all()
    mine, other = session.scalars(select(Appointment).order_by(Appointment.starts_at)).all()
    session.rollback()
    assert mine.starts_at == datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
    assert mine.blocked_until <= other.starts_at
    # The booking pages, which move nothing, still count the time as taken.
    booking_day = page_text(client.get("/book/testila/kela-benefits/2026-03-03?lang=en"))
    assert "start=2026-03-03T10:30%2B02:00" not in booking_day
    assert "start=2026-03-03T09:30%2B02:00" in booking_day


def test_moving_to_a_taken_time_changes_nothing_and_offers_others(client, region, session):
    token = book_token(client)
    other = book_token(client, start="2026-03-04T11:00+02:00", phone="050 111 2233")
    assert other
    answer = client.post(
        f"/manage/{token}/move/confirm?lang=en", data={"start": "2026-03-04T11:00+02:00"}
    )
    assert answer.status_code == 409
    assert "This time was just taken" in page_text(answer)
    session.expire_all()
    mine = session.scalars(select(Appointment).order_by(Appointment.id)).first()
    mine_now = (mine.starts_at, mine.revision)
    session.rollback()
    assert mine_now == (datetime(2026, 3, 3, 8, 0, tzinfo=UTC), 0)


def test_times_offered_after_a_taken_move_are_looked_up_with_no_write_lock_held(
    client, region, engine, monkeypatch
):
    token = book_token(client)
    book_token(client, start="2026-03-04T11:00+02:00", phone="050 111 2233")
    searched = []

    def searching(*args, **kwargs):
        alternatives = nearby_alternatives(*args, **kwargs)
        write_from_elsewhere(engine)  # another booking is not kept waiting meanwhile
        searched.append(kwargs["now"])
        return alternatives

    for module in (appointments, manage_views):
        monkeypatch.setattr(module, "nearby_alternatives", searching, raising=False)
    answer = client.post(
        f"/manage/{token}/move/confirm?lang=en", data={"start": "2026-03-04T11:00+02:00"}
    )
    assert answer.status_code == 409
    assert "start=2026-03-04T10:" in page_text(answer)  # the nearest free times offered
    assert len(searched) == 1


@pytest.mark.parametrize("start", ["2026-03-07T10:00+02:00", "2026-03-04T10:10+02:00", "junk"])
def test_moving_to_a_time_that_cannot_be_booked_is_refused(client, region, session, start):
    token = book_token(client)
    answer = client.post(f"/manage/{token}/move/confirm?lang=en", data={"start": start})
    assert answer.status_code == 422
    assert "Please check the following" in page_text(answer)
    assert the_appointment(session).revision == 0


def test_calendar_file_is_a_request_with_location_and_description(client, region):
    token = book_token(client)
    calendar = calendar_of(client, token)
    event = calendar.vevent
    assert calendar.method.value == "REQUEST"
    assert int(event.sequence.value) == 0
    assert event.dtstamp.value.tzinfo is not None
    assert event.dtstart.value == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert event.dtstart.value.astimezone(UTC).hour == 8
    assert str(event.dtstart.value.tzinfo).endswith("Helsinki") or event.dtstart.params
    assert "Kirkkotie 1" in event.location.value and "Etähuone 1" in event.location.value
    assert f"http://booking.test/manage/{token}" in event.description.value
    assert "photo ID" in event.description.value
    assert calendar.vtimezone.tzid.value == "Europe/Helsinki"


def test_calendar_uid_stays_while_sequence_rises_through_move_and_cancel(client, region):
    token = book_token(client)
    booked = calendar_of(client, token).vevent
    client.post(f"/manage/{token}/move/confirm", data={"start": "2026-03-05T09:30+02:00"})
    moved = calendar_of(client, token)
    client.post(f"/manage/{token}/cancel", data={"reason": ""})
    cancelled = calendar_of(client, token)
    uids = {booked.uid.value, moved.vevent.uid.value, cancelled.vevent.uid.value}
    assert len(uids) == 1
    sequences = [int(e.sequence.value) for e in (booked, moved.vevent, cancelled.vevent)]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert moved.method.value == "REQUEST"
    assert moved.vevent.dtstart.value == datetime(2026, 3, 5, 7, 30, tzinfo=UTC)
    assert cancelled.method.value == "CANCEL"
    assert cancelled.vevent.status.value == "CANCELLED"


def test_calendar_times_are_right_on_both_sides_of_the_spring_clock_change(client, region):
    # Friday 27 March is winter time (UTC+2); Monday 30 March summer time (UTC+3).
    token = book_token(client, start="2026-03-27T10:00+02:00")
    winter = calendar_of(client, token).vevent
    client.post(f"/manage/{token}/move/confirm", data={"start": "2026-03-30T10:00+03:00"})
    summer = calendar_of(client, token).vevent
    assert winter.dtstart.value == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
    assert summer.dtstart.value == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    # Both read 10:00 on a Helsinki wall clock.
    assert winter.dtstart.value.hour == 10 and summer.dtstart.value.hour == 10
    text = page_text(client.get(f"/manage/{token}?lang=fi"))
    assert "10.00–10.30" in text


def test_manage_changes_write_outbox_rows(client, region, session):
    token = book_token(client)
    _appointments, after_booking = stored_counts(session)
    client.post(f"/manage/{token}/cancel", data={"reason": ""})
    _appointments, after_cancel = stored_counts(session)
    assert after_cancel > after_booking


def test_pages_with_personal_data_are_not_cached(client, region):
    token = book_token(client)
    for url in (f"/manage/{token}", f"/manage/{token}/confirmed", f"/manage/{token}/calendar.ics"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_a_past_appointment_can_be_seen_but_no_longer_changed(client, region, clock, session):
    token = book_token(client)
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))  # after the 10:00 start
    text = page_text(client.get(f"/manage/{token}?lang=en"))
    assert "can no longer be changed" in text
    assert f"/manage/{token}/cancel" not in text
    answer = client.post(f"/manage/{token}/cancel", data={"reason": ""})
    assert answer.status_code == 302
    assert the_appointment(session).status == AppointmentStatus.BOOKED


def test_calendar_times_are_right_on_both_sides_of_the_autumn_clock_change(client, region, clock):
    # Friday 23 October is summer time (UTC+3); Monday 26 October winter time (UTC+2).
    clock.set(datetime(2026, 10, 19, 6, 0, tzinfo=UTC))
    token = book_token(client, start="2026-10-23T10:00+03:00")
    raw = client.get(f"/manage/{token}/calendar.ics").get_data(as_text=True)
    assert "DTSTART;TZID=Europe/Helsinki:20261023T100000" in raw
    client.post(f"/manage/{token}/move/confirm", data={"start": "2026-10-26T10:00+02:00"})
    moved = calendar_of(client, token).vevent
    assert moved.dtstart.value == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert moved.dtstart.value.hour == 10
    assert "10:00–10:30" in page_text(client.get(f"/manage/{token}?lang=en"))


def test_calendar_url_of_an_api_booking_opens_without_headers(client, region):
    answer = client.post(
        "/api/v1/appointments",
        json={
            "point": "testila",
            "service": "kela-benefits",
            "start": "2026-03-03T10:00:00+02:00",
            "name": "Maija Meikäläinen",
            "phone": "040 123 4567",
            "language": "sv",
        },
    )
    assert answer.status_code == 201
    calendar = client.get(answer.get_json()["calendar_url"].removeprefix("http://booking.test"))
    assert calendar.status_code == 200
    assert calendar.mimetype == "text/calendar"
    manage_page = client.get(answer.get_json()["manage_url"].removeprefix("http://booking.test"))
    assert manage_page.status_code == 200


def test_move_review_names_a_closed_day_before_anything_is_sent(client, region):
    token = book_token(client)
    answer = client.get(f"/manage/{token}/move/confirm?start=2026-03-07T10:00%2B02:00&lang=en")
    assert answer.status_code == 422
    assert "The service point is closed at this time." in page_text(answer)
    assert "Move to the new time" not in page_text(answer)
