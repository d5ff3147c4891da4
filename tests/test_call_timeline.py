"""The call's timeline: who may do what when, and what each step records.

``allowed_actions`` is checked over every status × moment × role against the
table below, and the use cases are run for every one of those combinations:
they accept exactly what the rule offers and refuse the rest, so no page can
offer a button that the app would then refuse.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from booking.appointments import attendance
from booking.appointments.actions import Action, allowed_actions
from booking.appointments.errors import BookingError, InvalidTransition
from booking.appointments.lifecycle import cancel_appointment, move_appointment
from booking.data.appointment_facts import AppointmentFact
from booking.data.enums import AppointmentStatus, FailureReason, Role
from booking.data.models import Appointment
from tests.factories import NOW
from tests.staff.conftest import add_account

S = AppointmentStatus
A = Action
START = NOW + timedelta(hours=1)  # Monday 11:00 Helsinki
MOMENTS = {
    "the day before": START - timedelta(days=1),
    "61 minutes before": START - timedelta(minutes=61),
    "an hour before": START - timedelta(minutes=60),
    "ten minutes before": START - timedelta(minutes=10),
    "after the start": START + timedelta(minutes=5),
}
ROLES = (Role.ADVISOR, Role.EXPERT, Role.ADMIN, Role.COUNCIL, None)

# What each role may do: (status, moment) → (desk, expert, citizen).  An admin
# may do what the desk and the expert may; the council nothing.
NOTHING: frozenset = frozenset()
TABLE = {
    # Check-in opens an hour before the start.
    (S.BOOKED, "the day before"): ({A.CANCEL, A.MOVE}, NOTHING, {A.CANCEL, A.MOVE}),
    (S.BOOKED, "61 minutes before"): ({A.CANCEL, A.MOVE}, NOTHING, {A.CANCEL, A.MOVE}),
    (S.BOOKED, "an hour before"): ({A.CHECK_IN, A.CANCEL, A.MOVE}, NOTHING, {A.CANCEL, A.MOVE}),
    (S.BOOKED, "ten minutes before"): (
        {A.CHECK_IN, A.CANCEL, A.MOVE},
        {A.START_CALL, A.MARK_DONE, A.FAILURE},
        {A.CANCEL, A.MOVE},
    ),
    (S.BOOKED, "after the start"): (
        {A.CHECK_IN, A.NO_SHOW, A.CANCEL},
        {A.START_CALL, A.MARK_DONE, A.NO_SHOW, A.FAILURE},
        NOTHING,
    ),
    **{
        (S.ARRIVED, moment): ({A.CANCEL}, {A.START_CALL, A.MARK_DONE, A.FAILURE}, NOTHING)
        for moment in MOMENTS
    },
    **{(S.IN_CALL, moment): (NOTHING, {A.END_CALL, A.FAILURE}, NOTHING) for moment in MOMENTS},
    **{
        (status, moment): (NOTHING, NOTHING, NOTHING)
        # Nothing is done to an unconfirmed hold, nor after the end.
        for status in (S.HELD, S.EXPIRED, S.DONE, S.NO_SHOW, S.CANCELLED, S.TECHNICAL_FAILURE)
        for moment in MOMENTS
    },
}


def expected(status, moment, role) -> set:
    desk, expert, citizen = TABLE[(status, moment)]
    return {
        Role.ADVISOR: set(desk),
        Role.EXPERT: set(expert),
        Role.ADMIN: set(desk) | set(expert),
        Role.COUNCIL: set(),
        None: set(citizen),
    }[role]


class Scheduled:
    def __init__(self, status):
        self.status, self.starts_at = status, START


def test_the_table_covers_every_status():
    assert {status for status, _moment in TABLE} == set(AppointmentStatus)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "citizen")
@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("status", list(AppointmentStatus), ids=str)
def test_allowed_actions(status, moment, role):
    allowed = allowed_actions(Scheduled(status), MOMENTS[moment], role)
    assert set(allowed) == expected(status, moment, role)


# --- the use cases accept exactly what is offered ---------------------------------


def run(session, action, appointment, now, user_id):
    if action is A.CANCEL:
        return cancel_appointment(session, appointment, now=now, by_user_id=user_id)
    if action is A.MOVE:
        later = appointment.starts_at + timedelta(days=1)
        return move_appointment(session, appointment, later, now=now, by_user_id=user_id)
    if action is A.FAILURE:
        return attendance.mark_failure(
            session, appointment, now=now, by_user_id=user_id, reason=FailureReason.EQUIPMENT
        )
    change = {
        A.CHECK_IN: attendance.check_in,
        A.START_CALL: attendance.start_call,
        A.END_CALL: attendance.end_call,
        A.MARK_DONE: attendance.mark_done,
        A.NO_SHOW: attendance.mark_no_show,
    }[action]
    return change(session, appointment, now=now, by_user_id=user_id)


def test_the_use_cases_refuse_exactly_what_is_not_offered(session, factory, clock):
    world = factory.region()
    users = {
        role: add_account(session, role.value, role, agency="kela")
        for role in (Role.ADVISOR, Role.EXPERT, Role.ADMIN, Role.COUNCIL)
    }
    users[None] = None
    appointment = factory.appointment(
        point=world["point"], service=world["service"], starts_at=START
    )
    wrong = []
    for status in AppointmentStatus:
        for moment, now in MOMENTS.items():
            for role, user in users.items():
                offered = allowed_actions(Scheduled(status), now, role)
                for action in Action:
                    if role is None and action not in (A.CANCEL, A.MOVE):
                        continue  # citizens reach only these use cases
                    savepoint = session.begin_nested()
                    appointment.status = status
                    session.flush()
                    try:
                        run(session, action, appointment, now, user.id if user else None)
                        accepted = True
                    except InvalidTransition:
                        accepted = False
                    except BookingError as error:
                        pytest.fail(f"{status} {moment} {role} {action}: {error.code}")
                    savepoint.rollback()
                    if accepted != (action in offered):
                        wrong.append((status.value, moment, role, action.value, accepted))
    assert wrong == []


# --- what the steps record -----------------------------------------------------------


@pytest.fixture
def call(session, factory, clock):
    world = factory.region()
    expert = add_account(session, "expert", Role.EXPERT, agency="kela")
    advisor = add_account(session, "advisor", Role.ADVISOR, points=[world["point"]])
    appointment = factory.appointment(
        point=world["point"], service=world["service"], starts_at=START
    )
    return world, appointment, expert, advisor


def fact_of(session, appointment) -> AppointmentFact:
    return session.get(AppointmentFact, appointment.fact_id)


def test_a_call_keeps_its_times_and_its_fact(session, call):
    _world, appointment, expert, advisor = call
    arrived, started, ended = (START + timedelta(minutes=m) for m in (-6, 4, 31))
    attendance.check_in(session, appointment, now=arrived, by_user_id=advisor.id)
    attendance.start_call(session, appointment, now=started, by_user_id=expert.id)
    assert appointment.status is S.IN_CALL
    assert fact_of(session, appointment).outcome == "in_call"
    attendance.end_call(session, appointment, now=ended, by_user_id=expert.id)
    session.commit()
    assert (appointment.checked_in_at, appointment.call_started_at) == (arrived, started)
    assert appointment.call_ended_at == appointment.outcome_at == ended
    assert appointment.status is S.DONE
    fact = fact_of(session, appointment)
    assert (fact.outcome, fact.waiting_minutes, fact.call_minutes) == ("done", 4, 27)
    assert (fact.booked_minutes, fact.used_minutes, fact.month) == (30, 27, "2026-03")


def test_a_call_in_progress_still_holds_its_room(session, factory, call):
    world, appointment, expert, _advisor = call
    attendance.start_call(session, appointment, now=START, by_user_id=expert.id)
    session.commit()
    other = factory.expert("kela-berit")
    with pytest.raises(IntegrityError):
        factory.appointment(
            point=world["point"],
            service=world["service"],
            starts_at=START + timedelta(minutes=15),
            expert=other,
        )
    session.rollback()


def test_a_technical_failure_keeps_its_reason_from_the_list(session, call):
    _world, appointment, expert, _advisor = call
    with pytest.raises(BookingError):
        attendance.mark_failure(
            session, appointment, now=START, by_user_id=expert.id, reason="gremlins"
        )
    attendance.start_call(session, appointment, now=START, by_user_id=expert.id)
    attendance.mark_failure(
        session,
        appointment,
        now=START + timedelta(minutes=3),
        by_user_id=expert.id,
        reason=FailureReason.EXPERT_LATE,
    )
    session.commit()
    assert appointment.status is S.TECHNICAL_FAILURE
    assert appointment.outcome_reason == "expert_late"
    fact = fact_of(session, appointment)
    assert (fact.failure_reason, fact.call_minutes, fact.used_minutes) == ("expert_late", 3, 3)


def test_done_without_an_arrival_counts_the_booked_time_as_used(session, call):
    _world, appointment, expert, _advisor = call
    attendance.mark_done(
        session, appointment, now=START + timedelta(minutes=40), by_user_id=expert.id
    )
    session.commit()
    fact = fact_of(session, appointment)
    assert (fact.outcome, fact.waiting_minutes, fact.used_minutes) == ("done", None, 30)


def test_a_cancellation_records_who_and_how_early(session, call):
    _world, appointment, _expert, advisor = call
    cancel_appointment(
        session, appointment, now=START - timedelta(hours=30, minutes=20), by_user_id=advisor.id
    )
    session.commit()
    fact = fact_of(session, appointment)
    assert (fact.outcome, fact.cancelled_by, fact.cancel_notice_hours) == ("cancelled", "staff", 30)
    assert fact.booked_minutes == 0


def test_a_citizen_s_late_cancellation(session, call):
    _world, appointment, _expert, _advisor = call
    cancel_appointment(session, appointment, now=START - timedelta(hours=2))
    session.commit()
    fact = fact_of(session, appointment)
    assert (fact.cancelled_by, fact.cancel_notice_hours) == ("citizen", 2)


def test_a_move_moves_the_fact_to_its_new_month(session, call):
    _world, appointment, _expert, advisor = call
    move_appointment(
        session, appointment, START + timedelta(days=28), now=NOW, by_user_id=advisor.id
    )
    session.commit()
    fact = fact_of(session, appointment)
    assert (fact.month, fact.lead_days) == ("2026-03", 28)
    move_appointment(
        session, appointment, START + timedelta(days=36), now=NOW, by_user_id=advisor.id
    )
    session.commit()
    assert (fact_of(session, appointment).month, fact.lead_days) == ("2026-04", 36)
    assert session.query(AppointmentFact).count() == 1
    assert session.get(Appointment, appointment.id).fact_id == fact.id
