"""Reading the accessibility feedback is in the audit log (who read which messages when),
and the audit page can show that kind of event alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.feedback_models import AccessibilityFeedback


def send_feedback(client, count: int) -> None:
    for number in range(count):
        sent = client.post("/accessibility/feedback", data={"message": f"Palaute {number}"})
        assert sent.status_code == 303


def feedback_reads(session) -> list[AuditEvent]:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read_feedback").order_by(AuditEvent.id)
    ).all()
    session.commit()
    return list(events)


def test_reading_the_feedback_writes_who_read_which_messages_when(
    client, signed_in, staff_world, session, clock
):
    send_feedback(client, 2)
    ids = sorted(session.scalars(select(AccessibilityFeedback.id)), reverse=True)
    session.commit()
    admin = signed_in("admin")
    clock.move(minutes=5)
    assert admin.get("/admin/feedback").status_code == 200
    [event] = feedback_reads(session)
    assert event.user_id == staff_world.accounts["admin"].id
    assert event.at == clock.now
    assert event.appointment_id is None
    assert event.detail == f"page 1: feedback {ids[0]}, {ids[1]}"


def test_an_administrator_of_one_point_is_refused_and_nothing_is_read(
    client, signed_in, staff_world, session
):
    send_feedback(client, 1)
    assert signed_in("admin_b").get("/admin/feedback").status_code == 403
    assert feedback_reads(session) == []


def test_the_audit_page_shows_the_readings_of_the_feedback_alone(
    client, signed_in, staff_world, session, clock
):
    send_feedback(client, 1)
    admin = signed_in("admin")
    admin.get("/admin/feedback")
    clock.move(minutes=1)
    admin.get("/desk/testila?day=2026-03-02")  # another kind of event
    page = admin.get("/admin/audit?kind=read_feedback&lang=fi").get_data(as_text=True)
    assert '<option value="read_feedback" selected>Luki saavutettavuuspalautteen</option>' in page
    assert page.count("Luki saavutettavuuspalautteen") == 2  # the option and one event
    assert "admin@staff.test" in page
    assert "Katsoi asiointipisteen päivää</td>" not in page
    english = admin.get("/admin/audit?lang=en").get_data(as_text=True)
    assert "Read the accessibility feedback</td>" in english
    assert clock.now - feedback_reads(session)[0].at == timedelta(minutes=1)
