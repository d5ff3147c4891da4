"""An administrator closes a point or marks an expert absent, through the pages.

She sees the booked appointments the change hits and the fate of each before
she confirms; once confirmed, the citizens hear of it — by SMS through the
real Twilio client to a fake Twilio server, sent by the scheduler's dispatch —
in their own languages, or hear nothing when only the expert changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.enums import AppointmentStatus, BookingChannel
from booking.data.models import Closure, OutboxMessage
from tests.fakes.smtp_server import FakeSmtp
from tests.fakes.twilio_server import FakeTwilio
from tests.scheduler.conftest import make_dispatcher
from tests.staff.conftest import csrf_token_of, fresh

#: Tuesday 3.3.2026 in Helsinki (UTC+2): 10:00, 11:00 and 12:00.
TUESDAY_TEN = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def dispatcher(clean_database, twilio):
    with FakeSmtp() as smtp:
        yield make_dispatcher(clean_database, twilio, smtp)


def post_form(client, path: str, data: dict[str, str]):
    token = csrf_token_of(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_closing_a_point_shows_the_fates_then_tells_each_citizen_in_her_language(
    staff_world, factory, signed_in, session, dispatcher, twilio
):
    world = staff_world
    booked = [
        factory.appointment(
            point=world.point_a,
            service=world.kela,
            starts_at=TUESDAY_TEN + timedelta(hours=hour),
            language=language,
        )
        for hour, language in ((0, "fi"), (1, "sv"), (2, "en"))
    ]
    elsewhere = factory.appointment(
        point=world.point_b, service=world.kela, starts_at=TUESDAY_TEN + timedelta(hours=4)
    )
    admin = signed_in("admin")
    path = "/admin/points/testila/closures"
    form = {"closed_on": "2026-03-03", "reason": "Vesivahinko"}

    preview = post_form(admin, path, form)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    for appointment in booked:
        assert appointment.reference in page
    assert page.count('class="fate-cancelled"') == 3
    assert elsewhere.reference not in page
    assert session.scalar(select(Closure.id)) is None  # nothing saved yet
    session.commit()
    assert dispatcher.dispatch_batch().claimed == 0

    done = post_form(admin, path, {**form, "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(path)
    assert "Vesivahinko" in admin.get(path).get_data(as_text=True)
    for appointment in booked:
        assert fresh(session, appointment).status is AppointmentStatus.CANCELLED
    assert fresh(session, elsewhere).status is AppointmentStatus.BOOKED

    report = dispatcher.dispatch_batch()
    assert (report.sent, report.failed) == (3, 0)
    sms = {delivery.to: delivery.body for delivery in twilio.deliveries}
    fi, sv, en = (sms[appointment.phone] for appointment in booked)
    rebook = "http://booking.test/book/testila/kela-benefits"
    assert fi.startswith("Aikasi on peruttu: Kela ti 3.3.2026 klo 10.00.")
    assert "Asiointipiste on silloin suljettu." in fi and f"Varaa uusi aika: {rebook}" in fi
    assert sv.startswith("Din tid har avbokats: Kela tis 3.3.2026 kl. 11.00.")
    assert "Servicepunkten är stängd då." in sv and f"Boka en ny tid: {rebook}" in sv
    assert en.startswith("Your appointment is cancelled: Kela")
    assert "The service point is closed then." in en and f"Book a new time: {rebook}" in en
    audit = session.scalars(select(AuditEvent.action)).all()
    assert "change_region" in audit and audit.count("cancel") == 3
    session.commit()


def test_an_absence_moves_the_calls_to_a_colleague_at_the_same_times_without_a_message(
    staff_world, factory, signed_in, session, dispatcher, twilio
):
    colleague = factory.expert("kela-ben", agency="kela", services=("kela-benefits",))
    appointment = factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=TUESDAY_TEN,
        expert=staff_world.kela_expert,
    )
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}/absences"
    form = {"first_day": "2026-03-03", "last_day": "2026-03-04", "reason": "koulutus"}

    page = post_form(admin, path, form).get_data(as_text=True)
    assert appointment.reference in page and 'class="fate-kept"' in page
    assert colleague.name in page

    assert post_form(admin, path, {**form, "confirm": "yes"}).status_code == 302
    moved = fresh(session, appointment)
    assert moved.expert_id == colleague.id
    assert (moved.starts_at, moved.room_id, moved.status) == (
        TUESDAY_TEN,
        staff_world.point_a.rooms[0].id,
        AppointmentStatus.BOOKED,
    )
    assert (
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.appointment_id == appointment.id)
        ).all()
        == []
    )
    session.commit()
    dispatcher.dispatch_batch()
    assert twilio.deliveries == []


def test_an_absence_with_no_colleague_free_cancels_and_tells_the_citizen(
    staff_world, factory, signed_in, session, dispatcher, twilio
):
    appointment = factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=TUESDAY_TEN,
        expert=staff_world.kela_expert,
        language="sv",
    )
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}/absences"
    form = {"first_day": "2026-03-03", "last_day": "2026-03-03"}

    page = post_form(admin, path, form).get_data(as_text=True)
    assert appointment.reference in page and 'class="fate-cancelled"' in page
    assert post_form(admin, path, {**form, "confirm": "yes"}).status_code == 302
    assert fresh(session, appointment).status is AppointmentStatus.CANCELLED

    dispatcher.dispatch_batch()
    [sms] = twilio.deliveries
    assert sms.to == appointment.phone
    assert sms.body.startswith("Din tid har avbokats: Kela tis 3.3.2026 kl. 10.00.")
    assert "Experten är inte tillgänglig då." in sms.body


def test_the_closure_form_names_each_error_and_changes_nothing(staff_world, signed_in, session):
    admin = signed_in("admin")
    path = "/admin/points/testila/closures"
    answer = post_form(admin, path, {"closed_on": "", "starts": "12:00", "reason": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'class="error-summary"' in page
    assert 'href="#closed_on"' in page and 'href="#ends"' in page and 'href="#reason"' in page
    assert session.scalar(select(Closure.id)) is None
    session.commit()


def test_a_desk_booking_without_a_mobile_goes_on_the_desk_s_list_to_call(
    staff_world, factory, signed_in, session
):
    landline = factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=TUESDAY_TEN,
        channel=BookingChannel.DESK,
        phone="+358141234567",
        name="Lauri Lanka",
    )
    admin = signed_in("admin")
    path = "/admin/points/testila/closures"
    form = {"closed_on": "2026-03-03", "reason": "Vesivahinko", "confirm": "yes"}
    assert post_form(admin, path, form).status_code == 302
    assert fresh(session, landline).to_call

    advisor = signed_in("advisor_a")
    desk = advisor.get("/desk/testila").get_data(as_text=True)
    assert 'id="to-call"' in desk and "Lauri Lanka" in desk
    called = f"/desk/appointments/{landline.id}/called"
    token = csrf_token_of(desk)
    assert advisor.post(called, data={"csrf_token": token}).status_code == 302
    assert not fresh(session, landline).to_call
    assert "Lauri Lanka" not in advisor.get("/desk/testila").get_data(as_text=True)
