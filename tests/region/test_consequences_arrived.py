"""A calendar change that hits a citizen who has already checked in (arrived).

She is at the service point, so she is never cancelled by SMS behind the desk's
back: another expert or room at her very time takes the call if one is free;
otherwise the appointment stays as it is and goes on the desk's list of arrived
citizens to talk to, once.
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.enums import AppointmentStatus
from booking.data.models import OutboxMessage
from booking.engine.clock import HELSINKI
from booking.region.calendar_changes import add_absence, close_point, set_room_active
from booking.region.consequences import (
    Outcome,
    arrivals_needing_attention,
    citizens_to_call,
    settle_consequences,
)
from booking.region.validity import Problem
from tests.conftest import NOW

#: Monday 2.3.2026: the clock stands at 10:00 Helsinki; the call is at 10:30.
HALF_PAST_TEN = NOW + timedelta(minutes=30)
TODAY_MIDNIGHT = NOW.astimezone(HELSINKI).replace(hour=0, minute=0)


def arrived(factory, world, *, starts_at=HALF_PAST_TEN, **fields):
    return factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=starts_at,
        expert=world["expert"],
        status=AppointmentStatus.ARRIVED,
        checked_in_at=NOW,
        **fields,
    )


def absent_today(session, world, clock):
    return add_absence(
        session,
        world["expert"].id,
        TODAY_MIDNIGHT,
        TODAY_MIDNIGHT + timedelta(days=1),
        reason="sairas",
        now=clock.now,
        by_user_id=None,
    )


def messages_of(session, appointment):
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.appointment_id == appointment.id)
    ).all()


def test_an_arrived_citizen_s_call_goes_to_a_free_colleague_at_the_same_time(
    session, factory, clock
):
    world = factory.region()
    colleague = factory.expert("kela-ben")
    appointment = arrived(factory, world)

    [fate] = absent_today(session, world, clock).fates
    session.commit()

    assert fate.outcome is Outcome.KEPT and fate.expert_after == colleague.name
    session.refresh(appointment)
    assert appointment.status is AppointmentStatus.ARRIVED
    assert appointment.expert_id == colleague.id and appointment.starts_at == HALF_PAST_TEN
    assert not appointment.to_call
    assert messages_of(session, appointment) == []


def test_with_nobody_free_the_arrival_goes_on_the_desk_s_list_not_cancelled_nor_texted(
    session, factory, clock
):
    world = factory.region()
    appointment = arrived(factory, world)

    [fate] = absent_today(session, world, clock).fates
    session.commit()

    assert fate.outcome is Outcome.ATTENTION and fate.problems == (Problem.EXPERT_AWAY,)
    assert not fate.citizen_told
    assert "arrived, not cancelled; on the desk's list to talk to" in fate.describe()
    session.refresh(appointment)
    assert appointment.status is AppointmentStatus.ARRIVED
    assert appointment.to_call and appointment.cancel_cause == "expert_away"
    assert messages_of(session, appointment) == []
    assert arrivals_needing_attention(session, "testila") == [appointment]
    assert citizens_to_call(session, "testila") == []
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.appointment_id == appointment.id)
    ).all()
    assert audited == ["needs_attention"]


def test_a_closure_that_leaves_no_way_to_keep_the_call_also_only_flags_the_arrival(
    session, factory, clock
):
    world = factory.region()
    colleague_free = factory.expert("kela-ben")
    appointment = arrived(factory, world)
    booked_later = factory.appointment(
        point=world["point"], service=world["service"], starts_at=NOW + timedelta(hours=3)
    )

    fates = close_point(
        session, "testila", NOW.date(), reason="Vesivahinko", now=clock.now, by_user_id=None
    ).fates
    session.commit()

    outcomes = {fate.appointment_id: fate.outcome for fate in fates}
    assert outcomes == {appointment.id: Outcome.ATTENTION, booked_later.id: Outcome.CANCELLED}
    assert colleague_free.id != appointment.expert_id
    session.refresh(appointment)
    assert appointment.status is AppointmentStatus.ARRIVED and appointment.to_call
    assert appointment.cancel_cause == "point_closed"


def test_an_arrival_already_on_the_list_is_not_listed_again(session, factory, clock):
    world = factory.region()
    arrived(factory, world)
    absent_today(session, world, clock)
    session.commit()

    assert settle_consequences(session, now=clock.now) == []
    session.commit()


def test_a_call_under_way_or_over_is_left_alone(session, factory, clock):
    world = factory.region()
    in_call = factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=NOW - timedelta(minutes=10),
        status=AppointmentStatus.IN_CALL,
    )
    waited_in_vain = arrived(factory, world, starts_at=NOW - timedelta(hours=1))

    assert absent_today(session, world, clock).fates == []
    session.commit()
    for appointment in (in_call, waited_in_vain):
        session.refresh(appointment)
        assert not appointment.to_call
    session.commit()


def test_an_arrival_waiting_past_her_start_is_still_looked_after(session, factory, clock):
    world = factory.region()
    factory.expert("kela-ben", hours={0: [(time(13), time(16))]})  # not free this morning
    appointment = arrived(factory, world, starts_at=NOW - timedelta(minutes=5))

    [fate] = absent_today(session, world, clock).fates
    session.commit()

    assert fate.appointment_id == appointment.id and fate.outcome is Outcome.ATTENTION


def test_an_arrival_whose_room_goes_out_of_use_gets_another_room_and_no_sms(
    session, factory, clock
):
    point = factory.point(rooms=2)
    service = factory.service()
    factory.expert("kela-anna")
    first, second = point.rooms
    world = {"point": point, "service": service, "expert": service.agency.experts[0]}
    appointment = arrived(factory, world, room=first)

    [fate] = set_room_active(session, first.id, False, now=clock.now, by_user_id=None).fates
    session.commit()

    assert fate.outcome is Outcome.KEPT and fate.room_after == second.name
    assert not fate.citizen_told
    session.refresh(appointment)
    assert appointment.room_id == second.id and appointment.status is AppointmentStatus.ARRIVED
    assert messages_of(session, appointment) == []
