"""The slot engine: every availability rule, checked against a brute-force reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.engine.calendar_rules import FinnishCalendar, opening_spans, working_spans
from booking.engine.clock import HELSINKI
from booking.engine.slots import (
    Resource,
    ServiceRules,
    Span,
    bookable_starts,
    candidate_starts,
    choose_resources,
    free_slots,
)

MINUTE = timedelta(minutes=1)
WEEKDAYS_9_TO_15 = {d: [(time(9), time(15))] for d in range(5)}
EVERY_DAY_9_TO_15 = {d: [(time(9), time(15))] for d in range(7)}


def rules(duration=30, buffer=15, grid=15, notice=0, horizon=60) -> ServiceRules:
    return ServiceRules(
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        grid=timedelta(minutes=grid),
        min_notice=timedelta(minutes=notice),
        horizon_days=horizon,
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Helsinki wall time as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def local_times(starts: list[datetime]) -> list[str]:
    return [s.astimezone(HELSINKI).strftime("%H:%M") for s in starts]


def day_window(day: date) -> Span:
    return Span(at(day, 0), at(day + timedelta(days=1), 0))


def slots_on(day, *, weekly=EVERY_DAY_9_TO_15, rooms=None, experts=None, service=None, now=None):
    service = service or rules()
    opening = opening_spans(weekly, [], day, day, HELSINKI, FinnishCalendar())
    if experts is None:
        working = working_spans(weekly, [], day, day, HELSINKI, FinnishCalendar())
        experts = [Resource(1, [], working)]
    return free_slots(
        opening=opening,
        rooms=rooms if rooms is not None else [Resource(1, [])],
        experts=experts,
        rules=service,
        window=day_window(day),
        now=now or at(day, 0) - timedelta(days=1),
        tz=HELSINKI,
    )


# --- hand-made cases ---------------------------------------------------------------


def test_a_quiet_day_offers_every_grid_time_that_fits_before_closing():
    starts = slots_on(date(2026, 9, 14))
    assert local_times(starts)[0] == "09:00"
    assert local_times(starts)[-1] == "14:30"  # 14:30 + 30 min ends at closing
    assert len(starts) == 23


def test_spring_forward_day_keeps_the_local_grid_and_hours():
    # 29.3.2026: clocks jump from 03:00 to 04:00; a Sunday, so open every day here.
    starts = slots_on(date(2026, 3, 29))
    assert local_times(starts)[0] == "09:00"
    assert local_times(starts)[-1] == "14:30"
    assert starts[0] == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)  # UTC+3 now
    assert len(starts) == 23


def test_fall_back_day_keeps_the_local_grid_and_hours():
    # 25.10.2026: clocks fall from 04:00 back to 03:00.
    starts = slots_on(date(2026, 10, 25))
    assert starts[0] == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # UTC+2 again
    assert local_times(starts)[-1] == "14:30"
    assert len(starts) == 23


def test_the_night_the_clocks_fall_back_offers_the_repeated_hour_twice():
    night = {6: [(time(2), time(5))]}  # Sunday 02:00–05:00 local: four real hours
    starts = slots_on(
        date(2026, 10, 25), weekly=night, service=rules(duration=60, buffer=0, grid=60)
    )
    assert local_times(starts) == ["02:00", "03:00", "03:00", "04:00"]
    assert len(set(starts)) == 4


def test_an_appointment_blocks_the_room_for_its_length_and_set_up_buffer():
    day = date(2026, 9, 14)
    room = Resource(1, [Span(at(day, 10), at(day, 10, 45))])
    starts = local_times(slots_on(day, rooms=[room]))
    assert "09:15" in starts  # 09:15 + 30 + 15 buffer = 10:00, touches only
    assert "09:30" not in starts
    assert "10:30" not in starts
    assert "10:45" in starts


def test_a_second_room_keeps_times_open():
    day = date(2026, 9, 14)
    busy = Resource(1, [Span(at(day, 9), at(day, 15))])
    starts = slots_on(day, rooms=[busy, Resource(2, [])])
    assert len(starts) == 23


def test_expert_must_work_the_whole_meeting_but_not_the_buffer():
    day = date(2026, 9, 14)
    expert = Resource(7, [], [Span(at(day, 9), at(day, 10))])
    assert local_times(slots_on(day, experts=[expert])) == ["09:00", "09:15", "09:30"]


def test_no_expert_no_times():
    assert slots_on(date(2026, 9, 14), experts=[]) == []


def test_one_experts_buffer_is_respected_across_two_points():
    day = date(2026, 9, 14)
    working = [Span(at(day, 9), at(day, 15))]
    # Booked at point A 11:00–11:30, held until 11:45 for the set-up.
    expert_busy_elsewhere = Resource(5, [Span(at(day, 11), at(day, 11, 45))], working)
    starts_at_point_b = local_times(slots_on(day, experts=[expert_busy_elsewhere]))
    assert "10:15" in starts_at_point_b  # ends 10:45, buffered to 11:00
    assert "10:30" not in starts_at_point_b  # its own buffer would run into 11:00
    assert "11:30" not in starts_at_point_b  # inside the other point's set-up time
    assert "11:45" in starts_at_point_b


def test_minimum_notice_and_horizon_limit_the_times():
    day = date(2026, 9, 14)
    now = at(day, 9, 5)
    starts = slots_on(day, service=rules(notice=120), now=now)
    assert local_times(starts)[0] == "11:15"
    assert slots_on(day + timedelta(days=3), service=rules(horizon=2), now=now) == []
    assert slots_on(day + timedelta(days=2), service=rules(horizon=2), now=now) != []


def test_grid_is_local_wall_time_for_steps_that_do_not_divide_an_hour():
    starts = slots_on(date(2026, 9, 14), service=rules(grid=45, duration=45, buffer=0))
    assert local_times(starts) == [
        "09:00",
        "09:45",
        "10:30",
        "11:15",
        "12:00",
        "12:45",
        "13:30",
        "14:15",
    ]


def test_window_is_half_open():
    day = date(2026, 9, 14)
    opening = [Span(at(day, 9), at(day, 15))]
    starts = free_slots(
        opening=opening,
        rooms=[Resource(1, [])],
        experts=[Resource(1, [], opening)],
        rules=rules(),
        window=Span(at(day, 10), at(day, 11)),
        now=at(day, 0),
        tz=HELSINKI,
    )
    assert local_times(starts) == ["10:00", "10:15", "10:30", "10:45"]


def test_choose_resources_prefers_the_least_booked_free_expert_and_room():
    day = date(2026, 9, 14)
    working = [Span(at(day, 9), at(day, 15))]
    busy_at_ten = [Span(at(day, 10), at(day, 10, 45))]
    experts = [
        Resource(1, busy_at_ten, working, booked_count=0),  # not free at 10:00
        Resource(2, [], working, booked_count=3),
        Resource(3, [], working, booked_count=1),
        Resource(4, [], working, booked_count=1),
    ]
    rooms = [Resource(10, [], booked_count=2), Resource(11, [], booked_count=2)]
    assert choose_resources(at(day, 10), rooms=rooms, experts=experts, rules=rules()) == (10, 3)
    assert choose_resources(at(day, 12), rooms=rooms, experts=experts, rules=rules()) == (10, 1)


def test_choose_resources_says_none_when_nobody_is_free():
    day = date(2026, 9, 14)
    working = [Span(at(day, 9), at(day, 15))]
    rooms = [Resource(1, [Span(at(day, 9), at(day, 11))])]
    experts = [Resource(1, [], working)]
    assert choose_resources(at(day, 10), rooms=rooms, experts=experts, rules=rules()) is None
    assert (
        choose_resources(at(day, 8), rooms=[Resource(2, [])], experts=experts, rules=rules())
        is None
    )


# --- property tests against a minute-by-minute reference ----------------------------

DAYS = [date(2026, 3, 29), date(2026, 10, 25), date(2026, 6, 19), date(2026, 9, 14)]
WINDOW_MINUTES = 2 * 24 * 60


def merged(raw: list[tuple[int, int]], origin: datetime) -> list[Span]:
    spans: list[list[int]] = []
    for start, length in sorted(raw):
        end = start + length
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [Span(origin + s * MINUTE, origin + e * MINUTE) for s, e in spans]


open_spans = st.lists(
    st.tuples(st.integers(0, WINDOW_MINUTES), st.integers(1, 12 * 60)), min_size=1, max_size=4
)
busy_spans = st.lists(
    st.tuples(st.integers(0, WINDOW_MINUTES), st.integers(1, 120)), min_size=0, max_size=5
)


@st.composite
def calendars(draw):
    day = draw(st.sampled_from(DAYS))
    origin = at(day, 0)
    window = Span(origin, origin + WINDOW_MINUTES * MINUTE)
    opening = merged(draw(open_spans), origin)
    rooms = [Resource(i, merged(draw(busy_spans), origin)) for i in range(draw(st.integers(1, 2)))]
    experts = [
        Resource(i, merged(draw(busy_spans), origin), merged(draw(open_spans), origin))
        for i in range(draw(st.integers(1, 3)))
    ]
    service = rules(
        duration=draw(st.integers(5, 90)),
        buffer=draw(st.integers(0, 20)),
        grid=draw(st.sampled_from([5, 10, 15, 20, 25, 30, 45, 60])),
        notice=draw(st.integers(0, 600)),
        horizon=draw(st.integers(0, 3)),
    )
    now = origin + draw(st.integers(-2 * 24 * 60, 24 * 60)) * MINUTE
    now += timedelta(seconds=draw(st.integers(0, 59)))
    return dict(
        opening=opening, rooms=rooms, experts=experts, rules=service, window=window, now=now
    )


def overlaps(span: Span, start: datetime, end: datetime) -> bool:
    return span.start < end and start < span.end


def inside_one(spans, start: datetime, end: datetime) -> bool:
    return any(s.start <= start and end <= s.end for s in spans)


def obeys_every_rule(t: datetime, c: dict) -> bool:
    """The availability rules of docs/architecture.md, read literally."""
    service: ServiceRules = c["rules"]
    end, held_until = t + service.duration, t + service.duration + service.buffer
    local, local_now = t.astimezone(HELSINKI), c["now"].astimezone(HELSINKI)
    minute_of_day = local.hour * 60 + local.minute
    return (
        inside_one(c["opening"], t, end)
        and any(not any(overlaps(b, t, held_until) for b in r.busy) for r in c["rooms"])
        and any(
            inside_one(e.available, t, end) and not any(overlaps(b, t, held_until) for b in e.busy)
            for e in c["experts"]
        )
        and t >= c["now"] + service.min_notice
        and local.date() <= local_now.date() + timedelta(days=service.horizon_days)
        and minute_of_day % int(service.grid.total_seconds() // 60) == 0
        and c["window"].start <= t < c["window"].end
    )


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(calendars())
def test_every_returned_start_obeys_every_rule(calendar):
    starts = free_slots(**calendar, tz=HELSINKI)
    assert starts == sorted(starts)
    assert all(s.tzinfo is not None and s.utcoffset() == timedelta(0) for s in starts)
    assert [s for s in starts if not obeys_every_rule(s, calendar)] == []


@PROPERTY_SETTINGS
@given(calendars())
def test_no_free_start_is_missed(calendar):
    window = calendar["window"]
    minutes = int((window.end - window.start) / MINUTE)
    reference = [
        t
        for t in (window.start + m * MINUTE for m in range(minutes))
        if obeys_every_rule(t, calendar)
    ]
    assert free_slots(**calendar, tz=HELSINKI) == reference


@PROPERTY_SETTINGS
@given(calendars())
def test_now_filters_applied_after_the_cacheable_part_give_the_same_times(calendar):
    now, service = calendar["now"], calendar["rules"]
    cacheable = {key: value for key, value in calendar.items() if key != "now"}
    starts = candidate_starts(**cacheable, tz=HELSINKI)
    assert bookable_starts(starts, service, now, HELSINKI) == free_slots(**calendar, tz=HELSINKI)


@PROPERTY_SETTINGS
@given(calendars(), st.data())
def test_chosen_room_and_expert_are_free_for_the_whole_held_time(calendar, data):
    starts = free_slots(**calendar, tz=HELSINKI)
    if not starts:
        return
    start = data.draw(st.sampled_from(starts))
    chosen = choose_resources(
        start, rooms=calendar["rooms"], experts=calendar["experts"], rules=calendar["rules"]
    )
    assert chosen is not None
    room = next(r for r in calendar["rooms"] if r.id == chosen[0])
    expert = next(e for e in calendar["experts"] if e.id == chosen[1])
    held_until = start + calendar["rules"].duration + calendar["rules"].buffer
    assert not any(overlaps(b, start, held_until) for b in room.busy + expert.busy)
    assert inside_one(expert.available, start, start + calendar["rules"].duration)


def as_seconds(spans):
    return [(int(s.start.timestamp()), int(s.end.timestamp())) for s in spans]


@PROPERTY_SETTINGS
@given(calendars())
def test_spans_given_as_epoch_seconds_give_the_same_times(calendar):
    in_seconds = {
        **calendar,
        "opening": as_seconds(calendar["opening"]),
        "rooms": [Resource(r.id, as_seconds(r.busy)) for r in calendar["rooms"]],
        "experts": [
            Resource(e.id, as_seconds(e.busy), as_seconds(e.available)) for e in calendar["experts"]
        ],
    }
    assert free_slots(**in_seconds, tz=HELSINKI) == free_slots(**calendar, tz=HELSINKI)
