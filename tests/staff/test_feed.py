"""The expert's calendar feed: a secret address, PUBLISH, minimal personal data, always current."""

from __future__ import annotations

import re
from datetime import datetime

import vobject

from booking.engine.clock import HELSINKI
from tests.staff.conftest import fresh

FEED_URL = re.compile(r'value="http://booking\.test(/feeds/[^"]+\.ics)"')
TUESDAY_NINE = "2026-03-03T07:00:00+00:00"


def new_feed_path(client) -> str:
    page = client.post("/expert/feed").get_data(as_text=True)
    match = FEED_URL.search(page)
    assert match, "the new feed address is shown"
    return match.group(1)


def read_feed(app, path: str):
    answer = app.test_client().get(path)  # a calendar program: no sign-in, no cookies
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    text = answer.get_data(as_text=True)
    return text, vobject.readOne(text)


def test_feed_is_a_publish_calendar_of_her_calls(app, signed_in, staff_world):
    text, calendar = read_feed(app, new_feed_path(signed_in("expert_kela")))
    assert calendar.method.value == "PUBLISH"
    events = {event.uid.value: event for event in calendar.vevent_list}
    assert set(events) == {staff_world.kela_at_a.ical_uid, staff_world.kela_at_b.ical_uid}
    maija = events[staff_world.kela_at_a.ical_uid]
    assert maija.summary.value == "Maija – Asumistuki"
    assert maija.dtstart.value == datetime(2026, 3, 2, 11, 0, tzinfo=HELSINKI)
    assert "Etähuone 1" in maija.location.value
    assert f"https://video.kela.invalid/{staff_world.kela_at_a.reference}" in text


def test_feed_holds_no_phone_numbers_or_surnames(app, signed_in, staff_world):
    text, _calendar = read_feed(app, new_feed_path(signed_in("expert_kela")))
    unfolded = text.replace("\r\n ", "")
    for appointment in (staff_world.kela_at_a, staff_world.kela_at_b):
        assert appointment.phone not in unfolded
        assert appointment.phone[4:] not in unfolded
    assert "Meikäläinen" not in unfolded and "Pouta" not in unfolded
    assert "+358" not in unfolded


def test_feed_shows_a_move_made_a_moment_before(app, signed_in, staff_world):
    path = new_feed_path(signed_in("expert_kela"))
    read_feed(app, path)
    moved = signed_in("advisor_a").post(
        f"/desk/appointments/{staff_world.kela_at_a.id}/move?day=2026-03-03",
        data={"starts_at": TUESDAY_NINE},
    )
    assert moved.status_code == 302
    _text, calendar = read_feed(app, path)
    event = next(e for e in calendar.vevent_list if e.uid.value == staff_world.kela_at_a.ical_uid)
    assert event.dtstart.value == datetime(2026, 3, 3, 9, 0, tzinfo=HELSINKI)
    assert int(event.sequence.value) == 1


def test_cancelled_calls_leave_the_feed(app, signed_in, staff_world):
    path = new_feed_path(signed_in("expert_kela"))
    signed_in("advisor_a").post(f"/desk/appointments/{staff_world.kela_at_a.id}/cancel")
    _text, calendar = read_feed(app, path)
    assert staff_world.kela_at_a.ical_uid not in {e.uid.value for e in calendar.vevent_list}


def test_renewing_the_address_retires_the_old_one(app, signed_in, staff_world):
    expert = signed_in("expert_kela")
    old = new_feed_path(expert)
    new = new_feed_path(expert)
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_address_is_shown_only_once(signed_in, staff_world):
    expert = signed_in("expert_kela")
    path = new_feed_path(expert)
    assert path not in expert.get("/expert/feed").get_data(as_text=True)


def test_token_is_stored_only_as_its_hash(signed_in, staff_world, session):
    path = new_feed_path(signed_in("expert_kela"))
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    stored = fresh(session, staff_world.accounts["expert_kela"]).feed_token_hash
    assert stored is not None and token not in stored and len(stored) == 64
