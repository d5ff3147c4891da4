"""A point's calendar as its page tells it: weekly rows and the coming exceptions (pure)."""

from __future__ import annotations

from datetime import date, time

from booking.engine.calendar_rules import FinnishCalendar
from booking.public.point_facts import (
    ClosureFact,
    DayException,
    ExceptionKind,
    upcoming_exceptions,
    week_rows,
    weekly_hours,
)

WEEKDAYS_9_TO_15 = {day: [(time(9), time(15))] for day in range(5)}
CALENDAR = FinnishCalendar()


def test_weekly_rows_run_monday_to_sunday_in_the_language():
    weekly = weekly_hours([(0, time(12), time(15)), (0, time(9), time(11, 30))])
    rows = week_rows(weekly, "fi")
    assert [row.name for row in rows][:2] == ["Maanantai", "Tiistai"]
    assert rows[0].spans == ((time(9), time(11, 30)), (time(12), time(15)))
    assert rows[6].name == "Sunnuntai" and rows[6].spans == ()
    assert week_rows(weekly, "sv")[2].name == "Onsdag"


def test_holidays_on_open_days_are_closed_days_named_in_the_language():
    # Midsummer Eve 2026 is Friday 19.6; Midsummer Day (Saturday) is no news for this point.
    found = upcoming_exceptions(
        WEEKDAYS_9_TO_15, [], date(2026, 6, 15), date(2026, 6, 21), CALENDAR, "sv"
    )
    assert found == [
        DayException(date(2026, 6, 19), ExceptionKind.HOLIDAY, reason="Midsommarafton")
    ]


def test_short_days_close_early_only_where_the_point_would_be_open_later():
    # Maundy Thursday 2.4.2026 and 30.4.2026 close at 13:00.
    found = upcoming_exceptions(
        WEEKDAYS_9_TO_15, [], date(2026, 3, 30), date(2026, 4, 30), CALENDAR, "en"
    )
    short = [(e.day, e.ends) for e in found if e.kind == ExceptionKind.SHORT_DAY]
    assert short == [(date(2026, 4, 2), time(13)), (date(2026, 4, 30), time(13))]
    mornings = {day: [(time(9), time(12))] for day in range(5)}
    found = upcoming_exceptions(mornings, [], date(2026, 4, 30), date(2026, 4, 30), CALENDAR, "en")
    assert found == []


def test_closures_whole_and_partial_with_their_reasons():
    closures = [
        ClosureFact(date(2026, 3, 3), None, None, "Staff training"),
        ClosureFact(date(2026, 3, 4), time(12), None, ""),
        ClosureFact(date(2026, 3, 5), time(9), time(11), "Network work"),
        ClosureFact(date(2026, 3, 7), None, None, "Saturday, closed anyway"),
    ]
    found = upcoming_exceptions(
        WEEKDAYS_9_TO_15, closures, date(2026, 3, 2), date(2026, 3, 8), CALENDAR, "fi"
    )
    assert found == [
        DayException(date(2026, 3, 3), ExceptionKind.CLOSED, reason="Staff training"),
        DayException(date(2026, 3, 4), ExceptionKind.CLOSED_PART, starts=time(12)),
        DayException(
            date(2026, 3, 5), ExceptionKind.CLOSED_PART, "Network work", time(9), time(11)
        ),
    ]
