"""What a change of the region's calendar does to booked appointments.

Each test books a small calendar, makes one change as an administrator would
(a closure, an absence, a room made inactive), and settles the consequences in
the same transaction: the hit appointments are kept with another room or
expert at the same time, or cancelled with the citizen told why.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.calendar_revision import current_calendar_revision
from booking.data.enums import AppointmentStatus, BookingChannel, MessageKind
from booking.data.models import ExpertAbsence, OutboxMessage
from booking.region.consequences import Outcome, settle_consequences
from booking.region.validity import Problem, Scope

#: Tuesday 3.3.2026 in Helsinki (UTC+2): 10:00, 11:00 and 12:00 local.
TUESDAY = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def outbox(session, appointment):
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.appointment_id == appointment.id)
    ).all()


def revision(session) -> int:
    """Every calendar revision together (the region's, the points' and the agencies')."""
    return current_calendar_revision(session)


def test_a_closed_day_cancels_its_appointments_and_tells_each_citizen(session, factory, clock):
    world = factory.region()
    booked = [
        factory.appointment(
            point=world["point"],
            service=world["service"],
            starts_at=TUESDAY + timedelta(hours=hour),
            language=language,
            email="maija@example.org" if language == "sv" else None,
        )
        for hour, language in ((0, "fi"), (1, "sv"), (2, "en"))
    ]
    untouched = factory.appointment(
        point=world["point"], service=world["service"], starts_at=TUESDAY + timedelta(days=1)
    )
    before = revision(session)

    factory.closure("testila", TUESDAY.date(), reason="Koulutuspäivä")
    fates = settle_consequences(session, now=clock.now, reason="Koulutuspäivä", by_user_id=None)
    session.commit()

    assert [f.appointment_id for f in fates] == [a.id for a in booked]
    assert {f.outcome for f in fates} == {Outcome.CANCELLED}
    assert {f.problems for f in fates} == {(Problem.POINT_CLOSED,)}
    for appointment in booked:
        session.refresh(appointment)
        assert appointment.status is AppointmentStatus.CANCELLED
        assert appointment.cancel_cause == "point_closed"
        assert appointment.cancel_reason == "Koulutuspäivä"
        kinds = {(m.kind, m.channel.value) for m in outbox(session, appointment)}
        assert (MessageKind.CANCELLED, "sms") in kinds
    assert len(outbox(session, booked[1])) == 2  # SMS and e-mail with the invite's CANCEL
    session.refresh(untouched)
    assert untouched.status is AppointmentStatus.BOOKED
    assert revision(session) > before
    audited = session.scalars(select(AuditEvent.appointment_id)).all()
    assert sorted(audited) == sorted(a.id for a in booked)


def test_an_absence_moves_the_calls_to_a_free_colleague_without_a_word_to_the_citizen(
    session, factory, clock
):
    world = factory.region()
    colleague = factory.expert("kela-ben")
    appointment = factory.appointment(
        point=world["point"], service=world["service"], starts_at=TUESDAY, expert=world["expert"]
    )
    session.add(
        ExpertAbsence(
            expert_id=world["expert"].id,
            starts_at=TUESDAY - timedelta(hours=2),
            ends_at=TUESDAY + timedelta(hours=6),
            reason="sairas",
        )
    )
    session.flush()
    revision_before = appointment.revision

    [fate] = settle_consequences(
        session, now=clock.now, scope=Scope(expert_ids=frozenset({world["expert"].id}))
    )
    session.commit()

    assert fate.outcome is Outcome.KEPT and fate.problems == (Problem.EXPERT_AWAY,)
    assert (fate.expert_before, fate.expert_after) == (world["expert"].name, colleague.name)
    assert not fate.citizen_told
    session.refresh(appointment)
    assert appointment.status is AppointmentStatus.BOOKED
    assert appointment.expert_id == colleague.id
    assert appointment.starts_at == TUESDAY and appointment.room_id == world["room"].id
    assert appointment.revision == revision_before
    assert outbox(session, appointment) == []


def test_an_absence_with_no_colleague_free_cancels_and_tells_the_citizen(session, factory, clock):
    world = factory.region()
    busy_colleague = factory.expert("kela-ben", hours={1: [(time(13), time(16))]})
    appointment = factory.appointment(
        point=world["point"], service=world["service"], starts_at=TUESDAY, expert=world["expert"]
    )
    session.add(
        ExpertAbsence(
            expert_id=world["expert"].id,
            starts_at=TUESDAY - timedelta(hours=2),
            ends_at=TUESDAY + timedelta(hours=6),
        )
    )

    [fate] = settle_consequences(session, now=clock.now)
    session.commit()

    assert busy_colleague.id != appointment.expert_id
    assert fate.outcome is Outcome.CANCELLED and fate.citizen_told
    session.refresh(appointment)
    assert appointment.status is AppointmentStatus.CANCELLED
    assert appointment.cancel_cause == "expert_away"
    assert [m.kind for m in outbox(session, appointment)] == [MessageKind.CANCELLED]


def test_a_room_made_inactive_sends_its_calls_to_another_room_and_names_it(session, factory, clock):
    point = factory.point(rooms=2)
    service = factory.service()
    factory.expert("kela-anna")
    first, second = point.rooms
    appointment = factory.appointment(point=point, service=service, starts_at=TUESDAY, room=first)
    first.active = False

    [fate] = settle_consequences(session, now=clock.now)
    session.commit()

    assert fate.outcome is Outcome.KEPT and fate.problems == (Problem.ROOM_GONE,)
    assert (fate.room_before, fate.room_after) == (first.name, second.name)
    assert fate.citizen_told
    session.refresh(appointment)
    assert appointment.room_id == second.id and appointment.revision == 1
    assert MessageKind.MOVED in {m.kind for m in outbox(session, appointment)}


def test_a_desk_booking_without_a_mobile_number_goes_on_the_list_to_call(session, factory, clock):
    world = factory.region()
    appointment = factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=TUESDAY,
        channel=BookingChannel.DESK,
        phone="+358141234567",  # a landline
    )
    factory.closure("testila", TUESDAY.date())

    [fate] = settle_consequences(session, now=clock.now)
    session.commit()

    assert fate.outcome is Outcome.TO_CALL and not fate.citizen_told
    session.refresh(appointment)
    assert appointment.to_call and appointment.status is AppointmentStatus.CANCELLED
    assert outbox(session, appointment) == []


def test_past_and_untouched_appointments_are_left_alone(session, factory, clock):
    world = factory.region()
    earlier = factory.appointment(
        point=world["point"], service=world["service"], starts_at=clock.now - timedelta(hours=1)
    )
    factory.closure("testila", clock.now.date())
    assert settle_consequences(session, now=clock.now) == []
    session.refresh(earlier)
    assert earlier.status is AppointmentStatus.BOOKED
