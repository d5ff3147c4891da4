"""Calendar rules: Finnish holidays, short days, closures and DST in local opening hours."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from booking.engine.calendar_rules import (
    ClosureRule,
    FinnishCalendar,
    ShortDayRules,
    Span,
    opening_spans,
    working_spans,
)
from booking.engine.clock import HELSINKI

WEEKDAYS_9_TO_15_WITH_LUNCH = {d: [(time(9), time(11, 30)), (time(12), time(15))] for d in range(5)}
EVERY_DAY_9_TO_16 = {d: [(time(9), time(16))] for d in range(7)}
CALENDAR = FinnishCalendar()


def local(span: Span) -> tuple[str, str]:
    return (
        span.start.astimezone(HELSINKI).strftime("%d.%m. %H:%M"),
        span.end.astimezone(HELSINKI).strftime("%H:%M"),
    )


def opening_on(day: date, weekly=EVERY_DAY_9_TO_16, closures=(), calendar=CALENDAR):
    return [local(s) for s in opening_spans(weekly, list(closures), day, day, HELSINKI, calendar)]


def test_midsummer_eve_2026_is_closed():
    assert opening_on(date(2026, 6, 19)) == []
    assert CALENDAR.holiday_name(date(2026, 6, 19)) == "Juhannusaatto"
    assert CALENDAR.holiday_name(date(2026, 6, 19), "sv") == "Midsommarafton"


def test_christmas_eve_is_closed_and_an_ordinary_day_is_not_a_holiday():
    assert opening_on(date(2026, 12, 24)) == []
    assert CALENDAR.holiday_name(date(2026, 6, 17)) is None


def test_maundy_thursday_closes_early():
    assert opening_on(date(2026, 4, 2)) == [("02.04. 09:00", "13:00")]
    assert opening_on(date(2026, 4, 3)) == []  # Good Friday


def test_fixed_short_days_close_early_and_the_rule_is_configurable():
    for day in (date(2026, 4, 30), date(2026, 12, 23), date(2026, 12, 31)):
        assert opening_on(day) == [(day.strftime("%d.%m.") + " 09:00", "13:00")]
    later = FinnishCalendar(ShortDayRules(closes_at=time(14), maundy_thursday=False))
    assert opening_on(date(2026, 4, 30), calendar=later) == [("30.04. 09:00", "14:00")]
    assert opening_on(date(2026, 4, 2), calendar=later) == [("02.04. 09:00", "16:00")]


def test_short_day_drops_the_afternoon_interval_after_lunch():
    assert opening_on(
        date(2026, 4, 30), weekly={3: [(time(9), time(11)), (time(13), time(15))]}
    ) == [("30.04. 09:00", "11:00")]


def test_weekly_hours_with_lunch_gap_and_weekend_closed():
    monday, saturday = date(2026, 9, 14), date(2026, 9, 19)
    assert opening_on(monday, WEEKDAYS_9_TO_15_WITH_LUNCH) == [
        ("14.09. 09:00", "11:30"),
        ("14.09. 12:00", "15:00"),
    ]
    assert opening_on(saturday, WEEKDAYS_9_TO_15_WITH_LUNCH) == []


def test_whole_day_and_part_day_closures():
    day = date(2026, 9, 15)
    assert opening_on(day, closures=[ClosureRule(day)]) == []
    assert opening_on(day, closures=[ClosureRule(day, time(10), time(12))]) == [
        ("15.09. 09:00", "10:00"),
        ("15.09. 12:00", "16:00"),
    ]
    assert opening_on(day, closures=[ClosureRule(day, time(14), None)]) == [
        ("15.09. 09:00", "14:00")
    ]
    assert opening_on(day, closures=[ClosureRule(day + timedelta(days=1))]) != []


def test_dst_days_keep_local_opening_hours():
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    (spring_span,) = opening_spans(EVERY_DAY_9_TO_16, [], spring, spring, HELSINKI, CALENDAR)
    (autumn_span,) = opening_spans(EVERY_DAY_9_TO_16, [], autumn, autumn, HELSINKI, CALENDAR)
    assert spring_span == Span(
        datetime(2026, 3, 29, 6, tzinfo=UTC), datetime(2026, 3, 29, 13, tzinfo=UTC)
    )
    assert autumn_span == Span(
        datetime(2026, 10, 25, 7, tzinfo=UTC), datetime(2026, 10, 25, 14, tzinfo=UTC)
    )


def test_spans_over_several_days_are_sorted_and_utc():
    spans = opening_spans(
        WEEKDAYS_9_TO_15_WITH_LUNCH, [], date(2026, 9, 14), date(2026, 9, 20), HELSINKI, CALENDAR
    )
    assert len(spans) == 10
    assert all(s.start.utcoffset() == timedelta(0) for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_experts_do_not_work_on_holidays_or_when_absent():
    week = {d: [(time(8), time(16))] for d in range(5)}
    absent = Span(
        datetime(2026, 6, 17, 12, tzinfo=HELSINKI).astimezone(UTC),
        datetime(2026, 6, 18, 12, tzinfo=HELSINKI).astimezone(UTC),
    )
    spans = working_spans(week, [absent], date(2026, 6, 17), date(2026, 6, 19), HELSINKI)
    assert [local(s) for s in spans] == [("17.06. 08:00", "12:00"), ("18.06. 12:00", "16:00")]


# --- property: opening spans against a minute-by-minute reading of the rules --------

SAMPLE_DAYS = [
    date(2026, 3, 28),  # the day before the clocks spring forward
    date(2026, 4, 1),  # the day before Maundy Thursday
    date(2026, 4, 29),
    date(2026, 6, 18),  # Midsummer Eve follows
    date(2026, 10, 24),  # the clocks fall back the next night
    date(2026, 12, 22),
]
quarter_hours = st.integers(6 * 4, 22 * 4).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def rule_sets(draw):
    first_day = draw(st.sampled_from(SAMPLE_DAYS))
    weekly = {
        weekday: sorted(
            tuple(sorted(draw(st.tuples(quarter_hours, quarter_hours))))
            for _ in range(draw(st.integers(0, 2)))
        )
        for weekday in range(7)
    }
    closures = [
        ClosureRule(
            first_day + timedelta(days=draw(st.integers(0, 2))),
            draw(st.none() | quarter_hours),
            draw(st.none() | quarter_hours),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return weekly, closures, first_day, first_day + timedelta(days=2)


def open_by_the_rules(day: date, wall: time, weekly, closures) -> bool:
    if CALENDAR.is_holiday(day):
        return False
    if not any(opens <= wall < closes for opens, closes in weekly.get(day.weekday(), [])):
        return False
    early = CALENDAR.short_day_closes(day)
    if early is not None and wall >= early:
        return False
    for closure in closures:
        if closure.closed_on != day:
            continue
        starts = closure.starts or time(0)
        if closure.whole_day or (starts <= wall and (closure.ends is None or wall < closure.ends)):
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(rule_sets())
def test_opening_spans_are_exactly_the_minutes_the_rules_open(rules):
    weekly, closures, first_day, last_day = rules
    spans = opening_spans(weekly, closures, first_day, last_day, HELSINKI, CALENDAR)
    day = first_day
    while day <= last_day:
        for minute in range(24 * 60):
            wall = time(minute // 60, minute % 60)
            instant = datetime.combine(day, wall, tzinfo=HELSINKI).astimezone(UTC)
            if instant.astimezone(HELSINKI).time() != wall:
                continue  # a wall time the clocks skip
            is_open = any(s.start <= instant < s.end for s in spans)
            assert is_open == open_by_the_rules(day, wall, weekly, closures), (day, wall)
        day += timedelta(days=1)
