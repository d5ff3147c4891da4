"""An expert falls ill while her citizen waits at the desk: what the desk sees.

The administrator marks the expert absent for today.  The consequences page
says the arrived citizen is not cancelled; once confirmed, the desk's day shows
her among the arrived citizens whose call cannot take place, with why, and no
SMS has gone to her.  The desk talks to her and marks it done, or cancels.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.data.enums import AppointmentStatus, BookingChannel
from booking.data.models import OutboxMessage
from tests.staff.conftest import NOW, csrf_token_of, fresh

ABSENCE = {"first_day": "2026-03-02", "last_day": "2026-03-02", "reason": "sairas"}


def post_form(client, path: str, data: dict[str, str]):
    token = csrf_token_of(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def waiting_citizen(world, factory, **fields):
    return factory.appointment(
        point=world.point_a,
        service=world.kela,
        starts_at=NOW + timedelta(minutes=5),  # before Kela's 11:00 call at point A
        status=AppointmentStatus.ARRIVED,
        checked_in_at=NOW,
        name="Aino Odottaja",
        **fields,
    )


def test_the_desk_sees_the_arrived_citizen_whose_expert_fell_ill_and_no_sms_goes(
    staff_world, factory, signed_in, session
):
    waiting = waiting_citizen(staff_world, factory)
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}/absences"

    preview = post_form(admin, path, ABSENCE).get_data(as_text=True)
    assert waiting.reference in preview and 'class="fate-attention"' in preview
    assert "Asiakas on jo saapunut. Aikaa ei peruta eikä tekstiviestiä lähetetä" in preview
    done = post_form(admin, path, {**ABSENCE, "confirm": "yes"})
    assert done.status_code == 302
    assert "1 paikalle saapunut asiakas on palvelupisteen listalla" in (
        admin.get(path).get_data(as_text=True)
    )
    assert fresh(session, waiting).status is AppointmentStatus.ARRIVED
    sent = select(OutboxMessage).where(OutboxMessage.appointment_id == waiting.id)
    assert session.scalars(sent).all() == []
    session.commit()

    advisor = signed_in("advisor_a")
    desk = advisor.get("/desk/testila").get_data(as_text=True)
    assert 'id="to-talk-to"' in desk and 'id="to-call"' not in desk
    assert "Aino Odottaja" in desk
    assert "Asiantuntija on poissa, eikä kukaan kollega ole vapaana tähän aikaan." in desk
    talked = f"/desk/appointments/{waiting.id}/called"
    assert advisor.post(talked, data={"csrf_token": csrf_token_of(desk)}).status_code == 302
    assert not fresh(session, waiting).to_call
    assert 'id="to-talk-to"' not in advisor.get("/desk/testila").get_data(as_text=True)


def test_an_arrival_the_desk_cancels_leaves_the_lists(staff_world, factory, signed_in, session):
    waiting = waiting_citizen(
        staff_world, factory, channel=BookingChannel.DESK, phone="+358141234567"
    )
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}/absences"
    assert post_form(admin, path, {**ABSENCE, "confirm": "yes"}).status_code == 302
    assert fresh(session, waiting).to_call

    advisor = signed_in("advisor_a")
    cancel = f"/desk/appointments/{waiting.id}/cancel"
    answer = post_form(advisor, cancel, {"reason": "asiantuntija sairastui"})
    assert answer.status_code == 302
    assert fresh(session, waiting).status is AppointmentStatus.CANCELLED
    desk = advisor.get("/desk/testila").get_data(as_text=True)
    assert 'id="to-talk-to"' not in desk and 'id="to-call"' not in desk
