"""The expert's day and week: least personal data, live arrivals, done and no-show."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.enums import AppointmentStatus
from tests.staff.conftest import fresh

DAY = "2026-03-02"


def expert_page(client, query: str = "") -> str:
    answer = client.get(f"/expert/?day={DAY}{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_day_shows_first_names_and_what_the_call_needs(signed_in, staff_world):
    page = expert_page(signed_in("expert_kela"))
    appointment = staff_world.kela_at_a
    assert "Maija" in page and "Pekka" in page
    assert "Meikäläinen" not in page and "Pouta" not in page  # first names only
    assert appointment.phone[4:] not in page.replace(" ", "")
    assert "Testilä yhteispalvelupiste" in page and "Etähuone 1" in page
    assert "Asumistuki" in page  # the topic
    assert f"https://video.kela.invalid/{appointment.reference}" in page
    assert "Varattu" in page
    assert "Veera" not in page  # Vero's call


def test_own_calls_by_default_and_the_agency_s_on_request(signed_in, staff_world, factory):
    colleague = factory.expert("kela-kalle", agency="kela", services=("kela-benefits",))
    factory.appointment(
        point=staff_world.point_b,
        service=staff_world.kela,
        expert=colleague,
        starts_at=staff_world.kela_at_a.starts_at,
        name="Kaisa Kolleganasiakas",
    )
    client = signed_in("expert_kela")
    assert "Kaisa" not in expert_page(client)
    assert "Kaisa" in expert_page(client, "&scope=agency")


def test_arrival_shows_in_the_status_feed_of_the_page(signed_in, staff_world):
    expert = signed_in("expert_kela")
    before = expert.get(f"/expert/status.json?day={DAY}").get_json()
    waits_not = {"arrival": "", "waiting": False}
    booked = {"id": staff_world.kela_at_a.id, "status": "booked", "label": "Varattu", **waits_not}
    assert booked in before["appointments"]
    signed_in("advisor_a").post(f"/desk/appointments/{staff_world.kela_at_a.id}/check-in")
    after = expert.get(f"/expert/status.json?day={DAY}").get_json()
    arrived = {"id": staff_world.kela_at_a.id, "status": "arrived", "label": "Saapunut"}
    arrived |= {"arrival": "Saapui klo 10.00 · odottanut 0 min", "waiting": True}
    assert arrived in after["appointments"]
    # No personal data: states and times only.
    assert set(after["appointments"][0]) == {"id", "status", "label", "arrival", "waiting"}


def test_day_page_loads_the_polling_script(signed_in, staff_world):
    page = expert_page(signed_in("expert_kela"))
    assert "/static/expert-status.js" in page
    assert f'data-status-url="/expert/status.json?day={DAY}' in page


def test_expert_marks_an_arrived_call_done(signed_in, staff_world, session):
    signed_in("advisor_a").post(f"/desk/appointments/{staff_world.kela_at_a.id}/check-in")
    answer = signed_in("expert_kela").post(f"/expert/appointments/{staff_world.kela_at_a.id}/done")
    assert answer.status_code == 302
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.DONE


def test_expert_marks_a_no_show_after_the_start(signed_in, staff_world, session, clock):
    clock.set(staff_world.kela_at_a.starts_at + timedelta(minutes=15))
    signed_in("expert_kela").post(f"/expert/appointments/{staff_world.kela_at_a.id}/no-show")
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.NO_SHOW


def test_week_lists_the_calls_by_day(signed_in, staff_world):
    answer = signed_in("expert_kela").get(f"/expert/week?day={DAY}")
    page = answer.get_data(as_text=True)
    assert "maanantai 2. maaliskuuta 2026" in page
    assert page.index("Maija") < page.index("Pekka")


def test_viewing_calls_is_audited(signed_in, staff_world, session):
    expert_page(signed_in("expert_kela"))
    seen = session.scalars(
        select(AuditEvent.appointment_id).where(AuditEvent.action == "view_expert_schedule")
    ).all()
    session.commit()
    assert sorted(seen) == sorted([staff_world.kela_at_a.id, staff_world.kela_at_b.id])


def buttons_of(page: str, appointment_id: int) -> list[str]:
    """The actions offered on the row of one appointment (the forms' addresses)."""
    row = page[page.index(f'data-appointment-id="{appointment_id}"') :]
    row = row[: row.index("</tr>")]
    return re.findall(rf"/expert/appointments/{appointment_id}/([a-z-]+)", row)


def test_start_call_is_offered_only_from_just_before_the_start(signed_in, staff_world, clock):
    expert = signed_in("expert_kela")
    appointment = staff_world.kela_at_a  # 11:00; now 10:00
    assert buttons_of(expert_page(expert), appointment.id) == []
    clock.set(appointment.starts_at - timedelta(minutes=10))
    expert = signed_in("expert_kela")
    assert buttons_of(expert_page(expert), appointment.id) == ["start", "done", "failure"]
    clock.set(appointment.starts_at + timedelta(minutes=10))
    expert = signed_in("expert_kela")
    buttons = buttons_of(expert_page(expert), appointment.id)
    assert buttons == ["start", "done", "no-show", "failure"]


def test_starting_a_call_opens_the_meeting_and_the_desk_sees_it(
    signed_in, staff_world, session, clock
):
    appointment = staff_world.kela_at_a
    clock.set(appointment.starts_at - timedelta(minutes=12))
    desk = signed_in("advisor_a")
    desk.post(f"/desk/appointments/{appointment.id}/check-in")
    clock.set(appointment.starts_at + timedelta(minutes=2))
    expert = signed_in("expert_kela")
    page = expert_page(expert)
    assert "Saapui klo 10.48 · odottanut 14 min" in page and "Odottaa nyt" in page
    assert (
        "video.kela.invalid" in expert.get(f"/expert/?day={DAY}").headers["Content-Security-Policy"]
    )
    answer = expert.post(f"/expert/appointments/{appointment.id}/start")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"https://video.kela.invalid/{appointment.reference}"
    assert fresh(session, appointment).status is AppointmentStatus.IN_CALL
    assert buttons_of(expert_page(expert), appointment.id) == ["end", "failure"]
    desk_day = desk.get(f"/desk/testila?day={DAY}").get_data(as_text=True)
    assert "Puhelussa" in desk_day and "Puhelu alkoi klo 11.02" in desk_day

    clock.set(appointment.starts_at + timedelta(minutes=29))
    expert = signed_in("expert_kela")
    assert expert.post(f"/expert/appointments/{appointment.id}/end").status_code == 302
    ended = fresh(session, appointment)
    assert ended.status is AppointmentStatus.DONE
    assert ended.call_ended_at == appointment.starts_at + timedelta(minutes=29)


def test_a_technical_failure_takes_a_reason_from_the_list(signed_in, staff_world, session, clock):
    appointment = staff_world.kela_at_a
    clock.set(appointment.starts_at + timedelta(minutes=5))
    expert = signed_in("expert_kela")
    url = f"/expert/appointments/{appointment.id}/failure"
    expert.post(url, data={"reason": "gremlins"})
    assert fresh(session, appointment).status is AppointmentStatus.BOOKED
    expert.post(url, data={"reason": "equipment"})
    failed = fresh(session, appointment)
    assert (failed.status, failed.outcome_reason) == (
        AppointmentStatus.TECHNICAL_FAILURE,
        "equipment",
    )
    assert "Tekninen vika" in expert_page(expert) and "Laitteet" in expert_page(expert)


def test_a_refused_start_does_not_open_the_meeting(signed_in, staff_world):
    answer = signed_in("expert_kela").post(
        f"/expert/appointments/{staff_world.kela_at_a.id}/start"
    )  # an hour too early
    assert answer.headers["Location"].startswith("/expert/?day=")
