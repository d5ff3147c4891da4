"""An administrator changes an expert's services, languages and weekly hours.

Calls she can no longer take go to a colleague of the agency at the same time
without a word to the citizen, or are cancelled with a message; the free times
follow at once; bad input is named and changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select

from booking.data.enums import AppointmentStatus
from booking.data.models import ExpertHours, OutboxMessage
from tests.staff.conftest import fresh
from tests.staff.test_admin_calendar import post_form
from tests.staff.test_admin_points import tuesday_starts

#: Tuesday 3.3.2026 13:00 Helsinki.
TUESDAY_ONE_PM = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
WEEK = {f"hours_{day}": "8.00–16.00" if day < 5 else "" for day in range(7)}
KELA = {"agency": "kela", "services": ["kela-benefits"], "languages": ["fi"], **WEEK}


def test_the_page_shows_what_the_expert_does_now(staff_world, signed_in):
    page = signed_in("admin").get(f"/admin/experts/{staff_world.kela_expert.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        '<input checked id="services-0" name="services" type="checkbox" value="kela-benefits">'
        in text
    )
    assert '<input id="services-1" name="services" type="checkbox" value="vero-advice">' in text
    assert 'value="8.00–16.00"' in text and "Tiistai" in text


def test_a_service_taken_away_moves_the_call_to_a_colleague_without_a_message(
    staff_world, factory, signed_in, session
):
    colleague = factory.expert("kela-ben")
    call = factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=TUESDAY_ONE_PM,
        expert=staff_world.kela_expert,
    )
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}"
    form = {**KELA, "services": []}
    preview = post_form(admin, path, form).get_data(as_text=True)
    assert call.reference in preview and 'class="fate-kept"' in preview
    assert colleague.name in preview
    assert fresh(session, call).expert_id == staff_world.kela_expert.id

    assert post_form(admin, path, {**form, "confirm": "yes"}).status_code == 302
    kept = fresh(session, call)
    assert (kept.expert_id, kept.starts_at, kept.status) == (
        colleague.id,
        TUESDAY_ONE_PM,
        AppointmentStatus.BOOKED,
    )
    assert fresh(session, staff_world.kela_expert).services == []
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.appointment_id == call.id)
    ).all()
    session.commit()
    assert messages == []


def test_shorter_working_hours_cancel_a_call_no_colleague_can_take(
    staff_world, factory, signed_in, session
):
    call = factory.appointment(
        point=staff_world.point_a, service=staff_world.kela, starts_at=TUESDAY_ONE_PM
    )
    assert any(start >= TUESDAY_ONE_PM for start in tuesday_starts(session))
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}"
    form = {**KELA, "languages": ["fi", "sv"], "hours_1": "8-12"}
    preview = post_form(admin, path, form).get_data(as_text=True)
    assert call.reference in preview and 'class="fate-cancelled"' in preview

    assert post_form(admin, path, {**form, "confirm": "yes"}).status_code == 302
    assert fresh(session, call).status is AppointmentStatus.CANCELLED
    expert = fresh(session, staff_world.kela_expert)
    assert expert.languages == "fi,sv"
    tuesday = session.scalars(
        select(ExpertHours).where(ExpertHours.expert_id == expert.id, ExpertHours.weekday == 1)
    ).all()
    session.commit()
    assert [(row.starts, row.ends) for row in tuesday] == [(time(8), time(12))]
    starts = tuesday_starts(session)
    assert starts and all(start < datetime(2026, 3, 3, 9, 45, tzinfo=UTC) for start in starts)


def test_bad_choices_are_named_and_change_nothing(staff_world, signed_in, session):
    admin = signed_in("admin")
    path = f"/admin/experts/{staff_world.kela_expert.id}"
    for bad, field, text in (
        (
            {"services": ["vero-advice"]},
            "services",
            "Valitse vain asiantuntijan viraston palveluja.",
        ),
        ({"services": ["no-such"]}, "services", None),
        ({"languages": []}, "languages", "Valitse vähintään yksi kieli."),
        ({"hours_3": "16-8"}, "hours_3", None),
        ({"agency": "nobody"}, "agency", None),
    ):
        answer = post_form(admin, path, {**KELA, **bad})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and 'class="error-summary"' in page, bad
        assert f'href="#{field}"' in page, bad
        if text:
            assert text in page
    expert = fresh(session, staff_world.kela_expert)
    assert [s.id for s in expert.services] == ["kela-benefits"] and expert.languages == "fi"


def test_an_admin_limited_to_points_cannot_change_experts(staff_world, signed_in):
    admin_b = signed_in("admin_b")
    assert admin_b.get(f"/admin/experts/{staff_world.kela_expert.id}").status_code == 403
