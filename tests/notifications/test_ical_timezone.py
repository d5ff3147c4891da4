"""The Europe/Helsinki VTIMEZONE in our calendar files agrees with the tz database.

Calendar programs place our events with the VTIMEZONE the file carries, not with
their own rules, so it is read back here with an independent parser
(``dateutil.tz.tzical``) and compared with ``zoneinfo`` every half hour, years ahead.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import tz

from notifications.ical import FeedEvent, appointment_calendar, feed_calendar
from tests.notifications.sample import STAMP, facts

HELSINKI = ZoneInfo("Europe/Helsinki")
FIRST = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2031, 1, 1, tzinfo=UTC)
STEP = timedelta(minutes=30)


def vtimezone_block(calendar: bytes) -> str:
    text = calendar.decode("utf-8")
    return text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]


def test_invite_and_feed_carry_the_same_vtimezone():
    feed = feed_calendar(
        [FeedEvent("a@etavaraus.test", 0, STAMP, STAMP + STEP, "Kela", "Keuruu")],
        name="Anna",
        stamp=STAMP,
    )
    assert vtimezone_block(feed) == vtimezone_block(appointment_calendar(facts(), stamp=STAMP))


def test_vtimezone_gives_zoneinfo_s_offset_every_half_hour_from_2024_to_2030():
    invite = appointment_calendar(facts(), stamp=STAMP).decode("utf-8")
    read_back = tz.tzical(io.StringIO(invite)).get("Europe/Helsinki")
    moment, checked, changes, wrong = FIRST, 0, 0, []
    previous = None
    while moment < END:
        expected = moment.astimezone(HELSINKI).utcoffset()
        found = moment.astimezone(read_back).utcoffset()
        if found != expected:
            wrong.append((moment.isoformat(), found, expected))
        changes += previous is not None and expected != previous
        previous = expected
        checked += 1
        moment += STEP
    assert wrong == []
    assert checked == 7 * 365 * 48 + 2 * 48  # 2024 and 2028 are leap years
    assert changes == 2 * 7  # spring and autumn, each of the seven years
