"""The "just taken" alternatives look at the next days first, and answer as if they had
looked at the whole fortnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.appointments.alternatives import (
    ALTERNATIVES_DAYS_AFTER,
    ALTERNATIVES_DAYS_BEFORE,
    nearby_alternatives,
    nearest_times,
)
from booking.data import availability as calendars
from booking.engine.clock import HELSINKI
from tests.factories import NOW


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def whole_fortnight(session, point: str, around: datetime, count: int) -> list[datetime]:
    day = around.astimezone(HELSINKI).date()
    first = max(day - timedelta(days=ALTERNATIVES_DAYS_BEFORE), NOW.astimezone(HELSINKI).date())
    last = day + timedelta(days=ALTERNATIVES_DAYS_AFTER)
    times = calendars.free_times(session, point, "kela-benefits", first, last, NOW)
    return nearest_times(times, around, count)


@pytest.mark.parametrize("days_on", [1, 2, 3, 6, 9])
def test_alternatives_equal_the_nearest_of_the_whole_fortnight(session, factory, days_on):
    factory.point("testila")
    factory.point("toinen", municipality="toinen")
    # Toinen opens on Fridays only: its nearest time is often days away.
    factory.point("perjantai", municipality="perjantai", hours={4: [(time(9), time(11))]})
    factory.service(points=("testila", "toinen", "perjantai"))
    factory.expert("kela-anna")
    around = at(NOW.astimezone(HELSINKI).date() + timedelta(days=days_on), 10)
    found = nearby_alternatives(session, "testila", "kela-benefits", around, now=NOW)
    same_point = [a.starts_at for a in found if a.point_id == "testila"]
    assert same_point == whole_fortnight(session, "testila", around, len(same_point))
    assert len(same_point) == 4
    for alternative in found:
        if alternative.point_id != "testila":
            nearest = whole_fortnight(session, alternative.point_id, around, 1)
            assert [alternative.starts_at] == nearest
    assert {a.point_id for a in found} == {"testila", "toinen", "perjantai"}
