"""The region file's short days reach every answer about opening hours.

Loaded into the database, the file's ``[calendar]`` decides the free times, the
booking's own "closed then" check and what a point's page says: here 5.12.2025
(a Friday; Keuruu is open 08:30–13:00 on Fridays) closes at 12:00 instead of the
shipped 13:00, and 23.12.2025 is no short day any more.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from booking.appointments.errors import NotBookable
from booking.appointments.lifecycle import BookingRequest, book_appointment
from booking.data.availability import free_times
from booking.data.calendar_models import ShortDaySettings
from booking.engine.clock import HELSINKI
from booking.region.loader import load_region
from booking.region.reader import parse_region
from tests.test_region_loader import SHIPPED

#: Monday 1.12.2025 10:00 Helsinki.
DECEMBER_FIRST = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
FRIDAY_5_12 = date(2025, 12, 5)
TUESDAY_23_12 = date(2025, 12, 23)
POINT, SERVICE = "keuruu", "kela-benefits"  # 30 minutes on a 15-minute grid


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


CHANGED = edited(
    edited(SHIPPED, 'short_day_closes = "13:00"', 'short_day_closes = "12:00"'),
    '"12-23", ',
    "",
)


def load(session, text: str):
    summary = load_region(session, parse_region(text, source="keski-suomi.toml"))
    session.commit()
    return summary


def last_start(session, day: date) -> str:
    starts = free_times(session, POINT, SERVICE, day, day, DECEMBER_FIRST)
    return max(starts).astimezone(HELSINKI).strftime("%H:%M")


def exceptions_on_page(client) -> dict[str, str]:
    answer = client.get(f"/points/{POINT}", headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    found = re.findall(r"<strong>([^<]+)</strong>:\s*([^\n<]+)", answer.get_data(as_text=True))
    return {day: text.strip() for day, text in found}


@pytest.fixture
def december_page(clock):
    clock.set(DECEMBER_FIRST)


def test_the_file_s_short_days_are_stored_and_a_second_load_changes_nothing(session):
    load(session, SHIPPED)
    assert load(session, SHIPPED).changed is False
    summary = load(session, CHANGED)
    assert str(summary) == "updated 1 short-day rules"
    stored = session.scalar(select(ShortDaySettings))
    assert (stored.closes_at, stored.days) == (time(12), "maundy_thursday,04-30,12-05,12-31")


def test_a_changed_short_day_changes_free_times_bookings_and_the_point_page(
    session, client, december_page
):
    load(session, SHIPPED)
    assert last_start(session, FRIDAY_5_12) == "12:30"  # the Friday hours end at 13:00
    assert last_start(session, TUESDAY_23_12) == "12:30"  # the short day ends at 13:00
    page = exceptions_on_page(client)
    assert "Friday, December 5, 2025" not in page  # 13:00 is the usual Friday closing
    assert page["Tuesday, December 23, 2025"] == "open until 13:00"

    load(session, CHANGED)
    assert last_start(session, FRIDAY_5_12) == "11:30"
    assert last_start(session, TUESDAY_23_12) == "15:00"  # an ordinary Tuesday
    page = exceptions_on_page(client)
    assert page["Friday, December 5, 2025"] == "open until 12:00"
    assert "Tuesday, December 23, 2025" not in page
    assert page["Wednesday, December 31, 2025"] == "open until 12:00"

    noon = datetime(2025, 12, 5, 10, 15, tzinfo=UTC)  # 12:15 Helsinki
    request = BookingRequest(POINT, SERVICE, noon, "Maija Meikäläinen", "040 123 4567")
    with pytest.raises(NotBookable) as refused:
        book_appointment(session, request, now=DECEMBER_FIRST)
    assert refused.value.msgid == "The service point is closed at this time."
    session.rollback()
