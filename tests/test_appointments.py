"""Booking, moving, cancelling and checking in, through the use cases, on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from booking.appointments.guard import insert_guarded, still_free
from booking.appointments.lifecycle import (
    DESK_MIN_NOTICE,
    BookingRequest,
    DetailsRefused,
    InvalidTransition,
    NotBookable,
    SlotTaken,
    TooManyActiveBookings,
    book_appointment,
    cancel_appointment,
    check_in,
    find_by_manage_token,
    hash_manage_token,
    mark_done,
    mark_no_show,
    move_appointment,
    nearby_alternatives,
)
from booking.appointments.manage_tokens import ManageLinks
from booking.appointments.start_checks import held_by_appointment
from booking.data.calendar_revision import current_calendar_revision
from booking.data.enums import (
    ACTIVE_STATUSES,
    AppointmentStatus,
    BookingChannel,
    MessageKind,
    MessageStatus,
)
from booking.data.models import Appointment, OutboxMessage
from tests.factories import NOW

#: Tuesday 2026-03-03 10:00 Helsinki (UTC+2).
TUESDAY_10 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def request_for(start: datetime = TUESDAY_10, **fields) -> BookingRequest:
    fields.setdefault("point_id", "testila")
    fields.setdefault("service_id", "kela-benefits")
    fields.setdefault("name", "Maija Meikäläinen")
    fields.setdefault("phone", "040 123 4567")
    return BookingRequest(starts_at=start, **fields)


@pytest.fixture
def world(factory):
    return factory.region()


def book(session, start=TUESDAY_10, **fields):
    result = book_appointment(session, request_for(start, **fields), now=NOW)
    session.commit()
    return result


def count_appointments(session) -> int:
    return session.scalar(select(func.count(Appointment.id)))


def test_booking_stores_normalised_details_and_a_hashed_token(session, world):
    result = book(session, email=" Maija@Example.FI ", topic="housing", language="sv")
    appointment = result.appointment
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.phone == "+358401234567"
    assert appointment.email == "Maija@example.fi"
    assert appointment.topic == "housing"
    assert appointment.starts_at == TUESDAY_10
    assert appointment.ends_at == TUESDAY_10 + timedelta(minutes=30)
    assert appointment.blocked_until == TUESDAY_10 + timedelta(minutes=45)
    assert appointment.room_id == world["room"].id
    assert appointment.expert_id == world["expert"].id
    assert appointment.revision == 0
    assert appointment.ical_uid.endswith("@etavaraus")
    assert len(appointment.reference) == 6
    assert appointment.manage_token_hash == hash_manage_token(result.manage_token)
    assert result.manage_token not in appointment.manage_token_hash


def test_booking_queues_confirmation_by_sms_and_email(session, world):
    result = book_appointment(
        session,
        request_for(email="maija@example.fi"),
        now=NOW,
        links=ManageLinks.from_secret("https://varaa.example", "k" * 32),
    )
    session.commit()
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CONFIRMATION)
    ).all()
    assert {(m.channel.value, m.recipient) for m in messages} == {
        ("sms", "+358401234567"),
        ("email", "maija@example.fi"),
    }
    assert all(m.appointment_id == result.appointment.id and m.revision == 0 for m in messages)
    # The link is made again from the key when each message is sent; no row keeps it.
    assert {m.manage_url for m in messages} == {None}
    links = ManageLinks.from_secret("https://varaa.example", "k" * 32)
    assert links.url_of(result.appointment) == f"https://varaa.example/manage/{result.manage_token}"
    assert (
        ManageLinks.from_secret("https://varaa.example", "x" * 32).url_of(result.appointment)
        is None
    )


def test_booking_raises_the_calendar_revision(session, world):
    before = current_calendar_revision(session)
    session.rollback()
    book(session)
    assert current_calendar_revision(session) > before


def test_the_same_time_cannot_be_booked_twice(session, world):
    book(session)
    with pytest.raises(SlotTaken):
        book(session, phone="050 765 4321")
    session.rollback()
    assert count_appointments(session) == 1
    # What the views offer instead, looked up once the refused write is rolled back.
    alternatives = nearby_alternatives(session, "testila", "kela-benefits", TUESDAY_10, now=NOW)
    assert alternatives and all(a.point_id == "testila" for a in alternatives)
    assert TUESDAY_10 not in [a.starts_at for a in alternatives]
    # The nearest free times: one that ends (with its buffer) as the booked one
    # starts, and one right after the booked one's set-up buffer.
    assert {a.starts_at for a in alternatives[:2]} == {
        TUESDAY_10 - timedelta(minutes=45),
        TUESDAY_10 + timedelta(minutes=45),
    }


def test_a_time_inside_the_set_up_buffer_is_taken(session, world):
    book(session)
    with pytest.raises(SlotTaken):
        book(session, start=TUESDAY_10 + timedelta(minutes=30), phone="050 765 4321")


def test_the_database_guard_turns_a_lost_race_into_slot_taken(session, world, monkeypatch):
    book(session)
    # As if another process had booked between the check and the insert.
    from booking.data import availability as calendars

    monkeypatch.setattr(
        calendars, "pick_for_booking", lambda *a, **k: (world["room"].id, world["expert"].id)
    )
    with pytest.raises(SlotTaken):
        book(session, phone="050 765 4321")
    session.rollback()
    assert count_appointments(session) == 1


@pytest.mark.parametrize("status", list(AppointmentStatus))
def test_the_database_guard_and_the_checks_agree_on_which_statuses_hold_a_time(
    session, factory, world, status
):
    point, service = world["point"], world["service"]
    holder = factory.appointment(point=point, service=service, starts_at=TUESDAY_10, status=status)
    holds = status in ACTIVE_STATUSES
    span = (holder.room_id, holder.expert_id, holder.starts_at, holder.blocked_until)
    assert still_free(session, *span) is not holds
    assert held_by_appointment(session, point, service, TUESDAY_10) is holds
    newcomer = Appointment(
        reference="NEWCMR",
        ical_uid="newcomer@etavaraus.test",
        point=point,
        service=service,
        room=world["room"],
        expert=world["expert"],
        starts_at=holder.starts_at,
        ends_at=holder.ends_at,
        blocked_until=holder.blocked_until,
        created_at=NOW,
        updated_at=NOW,
    )
    assert insert_guarded(session, newcomer) is not holds


def test_alternatives_include_other_points_offering_the_service(session, factory, world):
    factory.point("korpilahti", name="Korpilahti")
    factory.offer("korpilahti", "kela-benefits")
    book(session)
    alternatives = nearby_alternatives(
        session, "testila", "kela-benefits", TUESDAY_10, now=NOW, limit=6
    )
    points = [a.point_id for a in alternatives]
    assert points[0] == "testila"
    assert "korpilahti" in points
    # The one expert is busy at 10:00 wherever she is; the nearest is 45 minutes off.
    assert next(a for a in alternatives if a.point_id == "korpilahti").starts_at in {
        TUESDAY_10 - timedelta(minutes=45),
        TUESDAY_10 + timedelta(minutes=45),
    }


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (NOW - timedelta(hours=1), "passed"),
        (NOW + timedelta(minutes=30), "too soon"),
        (TUESDAY_10 + timedelta(minutes=5), "grid"),
        (datetime(2026, 3, 7, 8, 0, tzinfo=UTC), "closed"),  # a Saturday
        (datetime(2026, 3, 3, 13, 0, tzinfo=UTC), "closed"),  # 15:00, closing time
        (datetime(2026, 6, 2, 7, 0, tzinfo=UTC), "far"),  # beyond the 60-day horizon
    ],
)
def test_unbookable_times_are_refused_with_the_start_field(session, world, start, reason):
    with pytest.raises(NotBookable) as refused:
        book(session, start=start)
    assert refused.value.field == "start"
    session.rollback()
    assert count_appointments(session) == 0


def test_a_desk_booking_needs_no_notice_but_online_and_api_keep_it(session, world):
    soon = NOW + timedelta(minutes=15)  # the service asks 60 minutes' notice
    for channel in (BookingChannel.ONLINE, BookingChannel.API):
        with pytest.raises(NotBookable) as refused:
            book(session, start=soon, channel=channel)
        assert "too soon" in refused.value.msgid
        session.rollback()
    booked = book(session, start=soon, channel=BookingChannel.DESK).appointment
    assert booked.starts_at == soon
    an_hour_later = NOW + timedelta(hours=1)  # "now" right on the grid: still bookable
    right_now = book_appointment(
        session,
        request_for(an_hour_later, channel=BookingChannel.DESK, phone="050 765 4321"),
        now=an_hour_later,
    )
    assert right_now.appointment.starts_at == an_hour_later
    with pytest.raises(NotBookable) as refused:
        book(session, start=NOW - timedelta(minutes=15), channel=BookingChannel.DESK)
    assert "already passed" in refused.value.msgid


def test_a_desk_move_needs_no_notice_but_a_citizen_s_move_keeps_it(session, world):
    appointment = book(session).appointment
    soon = NOW + timedelta(minutes=30)
    with pytest.raises(NotBookable):
        move_appointment(session, appointment, soon, now=NOW)
    session.rollback()
    move_appointment(session, appointment, soon, now=NOW, min_notice=DESK_MIN_NOTICE)
    session.commit()
    assert appointment.starts_at == soon


def test_a_closure_day_is_refused(session, factory, world):
    factory.closure("testila", date(2026, 3, 3), reason="Remont")
    with pytest.raises(NotBookable):
        book(session)


def test_a_service_not_offered_at_the_point_is_refused(session, factory, world):
    factory.service("vero-personal", agency="vero", points=())
    with pytest.raises(NotBookable) as refused:
        book(session, service_id="vero-personal")
    assert refused.value.field == "service"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "014 123 456"}, "phone"),  # a landline
        ({"phone": "049 123 4567"}, "phone"),
        ({"phone": "not a number"}, "phone"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"email": "nope@"}, "email"),
        ({"language": "de"}, "language"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"needs": "n" * 501}, "needs"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(session, world, fields, field):
    with pytest.raises(DetailsRefused) as refused:
        book(session, **fields)
    assert field in refused.value.errors
    session.rollback()
    assert count_appointments(session) == 0
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_desk_booking_accepts_a_landline_or_no_number(session, world):
    landline = book(session, phone="014 123 456", channel=BookingChannel.DESK)
    assert landline.appointment.phone == "+35814123456"
    nobody = book(
        session, start=TUESDAY_10 + timedelta(hours=1), phone=None, channel=BookingChannel.DESK
    )
    assert nobody.appointment.phone is None
    # No SMS to a landline or to no number.
    assert not session.scalars(select(OutboxMessage.channel)).all()


def test_a_number_may_hold_two_upcoming_appointments_per_agency(session, world):
    book(session)
    book(session, start=TUESDAY_10 + timedelta(hours=1))
    with pytest.raises(TooManyActiveBookings):
        book(session, start=TUESDAY_10 + timedelta(hours=2))
    session.rollback()
    # Another number is not affected.
    book(session, start=TUESDAY_10 + timedelta(hours=2), phone="050 765 4321")


def test_cancelled_appointments_do_not_count_against_the_limit(session, world):
    first = book(session).appointment
    book(session, start=TUESDAY_10 + timedelta(hours=1))
    cancel_appointment(session, first, now=NOW)
    session.commit()
    book(session, start=TUESDAY_10 + timedelta(hours=2))


def test_cancelled_slot_is_bookable_again(session, world):
    first = book(session).appointment
    cancel_appointment(session, first, now=NOW, reason="Ehdin jo hoitaa asian")
    session.commit()
    again = book(session, phone="050 765 4321").appointment
    assert again.starts_at == first.starts_at
    assert first.status == AppointmentStatus.CANCELLED
    assert first.cancel_reason == "Ehdin jo hoitaa asian"


def test_cancel_raises_revision_and_queues_cancellation_skipping_reminders(session, world):
    appointment = book(session, start=TUESDAY_10 + timedelta(days=7)).appointment
    reminders_before = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == MessageKind.REMINDER_DAY_BEFORE
        )
    )
    assert reminders_before == 1
    cancel_appointment(session, appointment, now=NOW)
    session.commit()
    assert appointment.revision == 1
    cancellation = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CANCELLED)
    ).one()
    assert cancellation.revision == 1 and cancellation.recipient == "+358401234567"
    reminder = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.REMINDER_DAY_BEFORE)
    ).one()
    assert reminder.status == MessageStatus.SKIPPED


def test_a_cancelled_appointment_cannot_be_cancelled_or_moved(session, world):
    appointment = book(session).appointment
    cancel_appointment(session, appointment, now=NOW)
    session.commit()
    with pytest.raises(InvalidTransition):
        cancel_appointment(session, appointment, now=NOW)
    with pytest.raises(InvalidTransition):
        move_appointment(session, appointment, TUESDAY_10 + timedelta(hours=1), now=NOW)


def test_move_keeps_id_and_uid_and_raises_the_revision(session, world):
    appointment = book(session).appointment
    identity = (appointment.id, appointment.ical_uid, appointment.reference)
    new_start = TUESDAY_10 + timedelta(days=1, hours=2)
    move_appointment(session, appointment, new_start, now=NOW)
    session.commit()
    assert (appointment.id, appointment.ical_uid, appointment.reference) == identity
    assert appointment.starts_at == new_start
    assert appointment.blocked_until == new_start + timedelta(minutes=45)
    assert appointment.revision == 1
    moved = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.MOVED)
    ).one()
    assert moved.revision == 1
    # The old time is free again.
    book(session, phone="050 765 4321")


def test_a_move_by_fifteen_minutes_is_not_refused_by_itself(session, world):
    appointment = book(session).appointment
    move_appointment(session, appointment, TUESDAY_10 + timedelta(minutes=15), now=NOW)
    session.commit()
    assert appointment.starts_at == TUESDAY_10 + timedelta(minutes=15)


def test_moving_onto_a_taken_time_changes_nothing(session, world):
    mine = book(session).appointment
    book(session, start=TUESDAY_10 + timedelta(hours=1), phone="050 765 4321")
    with pytest.raises(SlotTaken):
        move_appointment(session, mine, TUESDAY_10 + timedelta(hours=1), now=NOW)
    session.rollback()
    session.refresh(mine)
    assert mine.starts_at == TUESDAY_10
    assert mine.status == AppointmentStatus.BOOKED
    assert mine.revision == 0


def test_desk_transitions_booked_arrived_done(session, world):
    appointment = book(session).appointment
    at_start = TUESDAY_10
    check_in(session, appointment, now=at_start, by_user_id=None)
    assert appointment.status == AppointmentStatus.ARRIVED
    assert appointment.checked_in_at == at_start
    with pytest.raises(InvalidTransition):
        mark_no_show(session, appointment, now=at_start, by_user_id=None)
    mark_done(session, appointment, now=at_start + timedelta(minutes=30), by_user_id=None)
    session.commit()
    assert appointment.status == AppointmentStatus.DONE
    with pytest.raises(InvalidTransition):
        check_in(session, appointment, now=at_start, by_user_id=None)


def test_no_show_only_after_the_start(session, world):
    appointment = book(session).appointment
    with pytest.raises(InvalidTransition):
        mark_no_show(session, appointment, now=NOW, by_user_id=None)
    mark_no_show(session, appointment, now=TUESDAY_10 + timedelta(minutes=10), by_user_id=None)
    assert appointment.status == AppointmentStatus.NO_SHOW
    with pytest.raises(InvalidTransition):
        mark_done(session, appointment, now=TUESDAY_10, by_user_id=None)


def test_manage_token_opens_the_appointment_until_the_link_expires(session, world):
    result = book(session)
    token = result.manage_token
    assert find_by_manage_token(session, token, now=NOW) is result.appointment
    assert find_by_manage_token(session, token + "x", now=NOW) is None
    assert find_by_manage_token(session, "", now=NOW) is None
    later = result.appointment.ends_at + timedelta(days=14, minutes=1)
    assert find_by_manage_token(session, token, now=later) is None
    assert find_by_manage_token(session, token, now=later, link_days=30) is not None


def test_a_reference_code_clash_draws_a_new_code(session, world, monkeypatch):
    import booking.appointments.guard as guard

    first = book(session).appointment
    codes = iter([first.reference, "QQQQQQ"])
    monkeypatch.setattr(guard, "new_reference", lambda: next(codes))
    second = book(session, start=TUESDAY_10 + timedelta(hours=1), phone="050 765 4321")
    session.commit()
    assert second.appointment.reference == "QQQQQQ"
    # The fact written with the refused insert is written again with the one that held.
    from booking.data.appointment_facts import AppointmentFact

    facts = session.scalars(select(AppointmentFact.id)).all()
    assert sorted(facts) == sorted([first.fact_id, second.appointment.fact_id])


def test_cancel_and_move_raise_the_calendar_revision(session, world):
    appointment = book(session).appointment
    booked = current_calendar_revision(session)
    move_appointment(session, appointment, TUESDAY_10 + timedelta(hours=2), now=NOW)
    session.commit()
    moved = current_calendar_revision(session)
    cancel_appointment(session, appointment, now=NOW)
    session.commit()
    assert booked < moved < current_calendar_revision(session)


def test_nearest_times_picks_the_closest_on_both_sides():
    from booking.appointments.alternatives import nearest_times

    base = TUESDAY_10
    times = [base + timedelta(minutes=m) for m in (-90, -45, 0, 15, 45, 120)]
    assert nearest_times(times, base + timedelta(minutes=5), 3) == [
        base,
        base + timedelta(minutes=15),
        base + timedelta(minutes=45),
    ]
    # A tie goes to the earlier time.
    assert nearest_times(times, base + timedelta(minutes=30), 2) == [
        base + timedelta(minutes=15),
        base + timedelta(minutes=45),
    ]
    assert nearest_times(times, base + timedelta(days=9), 2) == times[-1:-3:-1]
    assert nearest_times([], base, 3) == []


def test_a_time_no_expert_works_is_not_bookable_rather_than_taken(session, factory):
    factory.point()
    factory.service()
    # The only expert works mornings only.
    factory.expert("kela-morning", hours={day: [(time(8), time(11))] for day in range(5)})
    with pytest.raises(NotBookable) as refused:
        book(session, start=TUESDAY_10 + timedelta(hours=2))  # 12:00
    assert refused.value.field == "start"
    book(session)  # 10:00 is fine


@pytest.mark.parametrize(
    "start",
    [
        datetime(9999, 12, 31, 23, 45, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    ],
)
def test_far_off_years_are_refused_without_overflowing(session, world, start):
    with pytest.raises(NotBookable) as refused:
        book(session, start=start)
    assert refused.value.field == "start"


def test_two_cancels_at_once_one_is_refused_cleanly(session, world, engine):
    """A double click: two transactions cancel one appointment.  On PostgreSQL both
    read it before either writes; on SQLite the first one's write lock makes the
    second start after the first has committed."""
    from booking.data.sessions import make_session_factory

    appointment_id = book(session).appointment.id
    session.commit()
    interleaved = engine.dialect.name == "postgresql"
    first, second = make_session_factory(engine)(), make_session_factory(engine)()
    try:
        mine = first.get(Appointment, appointment_id) if interleaved else None
        theirs = second.get(Appointment, appointment_id)
        cancel_appointment(second, theirs, now=NOW)
        second.commit()
        mine = mine or first.get(Appointment, appointment_id)
        with pytest.raises(InvalidTransition):
            cancel_appointment(first, mine, now=NOW)
        first.rollback()
    finally:
        first.close()
        second.close()
    cancellations = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CANCELLED)
    ).all()
    assert len(cancellations) == 1
