"""Calendar files, read back with an independent parser (vobject)."""

from __future__ import annotations

from datetime import UTC

import pytest
import vobject

from notifications.ical import FeedEvent, appointment_calendar, feed_calendar
from tests.notifications.sample import (
    AFTER_AUTUMN_CHANGE,
    AFTER_SPRING_CHANGE,
    BEFORE_AUTUMN_CHANGE,
    BEFORE_SPRING_CHANGE,
    STAMP,
    facts,
)


def parse(data: bytes):
    return vobject.readOne(data.decode("utf-8"))


@pytest.mark.parametrize(
    ("starts_at", "offset_hours"),
    [
        (BEFORE_SPRING_CHANGE, 2),
        (AFTER_SPRING_CHANGE, 3),
        (BEFORE_AUTUMN_CHANGE, 3),
        (AFTER_AUTUMN_CHANGE, 2),
    ],
)
def test_invite_shows_ten_oclock_helsinki_on_both_sides_of_dst(starts_at, offset_hours):
    calendar = parse(appointment_calendar(facts(starts_at=starts_at), stamp=STAMP))
    start = calendar.vevent.dtstart.value
    assert (start.hour, start.minute) == (10, 0)
    assert start.utcoffset().total_seconds() == offset_hours * 3600
    assert start.astimezone(UTC) == starts_at
    assert calendar.vevent.dtend.value.astimezone(UTC) == starts_at.replace(minute=30)


def test_new_appointment_is_a_request_with_helsinki_timezone():
    calendar = parse(appointment_calendar(facts(), stamp=STAMP))
    assert calendar.method.value == "REQUEST"
    assert calendar.vtimezone.tzid.value == "Europe/Helsinki"
    event = calendar.vevent
    assert event.uid.value == "4f1c2a9e@etavaraus.test"
    assert event.sequence.value == "0"
    assert event.dtstamp.value == STAMP
    assert event.status.value == "CONFIRMED"
    assert event.location.value == "Keuruun asiointipiste, Etähuone 1, Multiantie 5, 42700 Keuruu"
    assert "Ota mukaan kuvallinen henkilökortti." in event.description.value
    assert "https://varaa.test/m/Qx7Tb3LwZr9pKd2s" in event.description.value
    assert event.organizer.value == "mailto:etavaraus@keskisuomi.invalid"
    assert event.attendee.value == "mailto:maija@example.org"


def test_moved_keeps_uid_and_raises_sequence():
    first = parse(appointment_calendar(facts(), stamp=STAMP)).vevent
    moved = parse(
        appointment_calendar(
            facts(kind="moved", sequence=1, starts_at=AFTER_AUTUMN_CHANGE), stamp=STAMP
        )
    )
    assert moved.method.value == "REQUEST"
    assert moved.vevent.uid.value == first.uid.value
    assert int(moved.vevent.sequence.value) > int(first.sequence.value)


def test_cancelled_is_a_cancel_with_the_same_uid_and_higher_sequence():
    calendar = parse(appointment_calendar(facts(kind="cancelled", sequence=2), stamp=STAMP))
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.uid.value == "4f1c2a9e@etavaraus.test"
    assert calendar.vevent.sequence.value == "2"
    assert calendar.vevent.status.value == "CANCELLED"
    assert "Qx7Tb3" not in calendar.vevent.description.value


def test_invite_text_follows_the_citizens_language():
    calendar = parse(appointment_calendar(facts(language="sv"), stamp=STAMP))
    assert calendar.vevent.summary.value == "Distansbesök: Kela"
    assert "Ta med fotolegitimation." in calendar.vevent.description.value


def test_feed_publishes_several_events_across_dst():
    events = [
        FeedEvent(
            uid=f"call-{number}@etavaraus.test",
            sequence=number,
            starts_at=starts_at,
            ends_at=starts_at.replace(minute=45),
            summary="Kela: etuusneuvonta, Keuruu",
            location="Keuruun asiointipiste, Etähuone 1",
            cancelled=number == 1,
        )
        for number, starts_at in enumerate([BEFORE_SPRING_CHANGE, AFTER_SPRING_CHANGE])
    ]
    calendar = parse(feed_calendar(events, name="Anna Asiantuntija", stamp=STAMP))
    assert calendar.method.value == "PUBLISH"
    parsed = calendar.vevent_list
    assert [event.uid.value for event in parsed] == [
        "call-0@etavaraus.test",
        "call-1@etavaraus.test",
    ]
    assert [event.dtstart.value.hour for event in parsed] == [10, 10]
    assert [event.dtstart.value.astimezone(UTC) for event in parsed] == [
        BEFORE_SPRING_CHANGE,
        AFTER_SPRING_CHANGE,
    ]
    assert [event.status.value for event in parsed] == ["CONFIRMED", "CANCELLED"]


def test_publish_variant_of_one_appointment_has_no_attendee():
    calendar = parse(appointment_calendar(facts(), stamp=STAMP, method="PUBLISH"))
    assert calendar.method.value == "PUBLISH"
    assert "attendee" not in calendar.vevent.contents
    assert calendar.vevent.uid.value == "4f1c2a9e@etavaraus.test"


def test_the_invite_lists_the_service_s_own_things_to_bring_but_a_cancel_does_not():
    bring = "Viimeisin päätös\nTiliote"
    invite = parse(appointment_calendar(facts(what_to_bring=bring), stamp=STAMP))
    assert "Viimeisin päätös\nTiliote" in invite.vevent.description.value
    cancel = parse(appointment_calendar(facts(kind="cancelled", what_to_bring=bring), stamp=STAMP))
    assert "Tiliote" not in cancel.vevent.description.value
