"""Agencies and services through the admin pages: saved and audited, the free times
follow at once, booked appointments keep their length, bad input changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.models import Agency, Service
from tests.staff.conftest import fresh
from tests.staff.test_admin_calendar import post_form
from tests.staff.test_admin_points import tuesday_starts

SERVICE = {
    "name_fi": "Kelan etuudet",
    "name_sv": "FPA:s förmåner",
    "name_en": "Kela benefits",
    "duration_minutes": "45",
    "buffer_minutes": "0",
    "grid_minutes": "60",
    "min_notice_minutes": "0",
    "horizon_days": "30",
}
AGENCY = {
    "name_fi": "Kela",
    "name_sv": "FPA",
    "name_en": "Kela",
    "sms_name_fi": "Kela",
    "sms_name_sv": "FPA",
    "sms_name_en": "Kela",
    "meeting_link_template": "https://video.kela.invalid/{reference}",
}


def test_a_service_change_applies_to_new_bookings_at_once(staff_world, signed_in, session):
    booked = staff_world.kela_at_a
    ends_before = (booked.ends_at, booked.blocked_until)
    assert any(start.minute for start in tuesday_starts(session))
    admin = signed_in("admin")
    answer = post_form(admin, "/admin/services/kela-benefits", SERVICE)
    assert answer.status_code == 302
    service = fresh(session, session.get(Service, "kela-benefits"))
    assert (service.duration_minutes, service.grid_minutes, service.photo_id_required) == (
        45,
        60,
        False,
    )
    starts = tuesday_starts(session)
    assert starts and all(start.minute == 0 for start in starts)
    assert (fresh(session, booked).ends_at, booked.blocked_until) == ends_before
    detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "change_region"))
    session.commit()
    assert "duration_minutes 30 → 45" in detail and "grid_minutes 15 → 60" in detail


def test_bad_service_values_are_named_and_change_nothing(staff_world, signed_in, session):
    admin = signed_in("admin")
    for name, bad in (("duration_minutes", "0"), ("grid_minutes", "x"), ("horizon_days", "999")):
        answer = post_form(admin, "/admin/services/kela-benefits", {**SERVICE, name: bad})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and f'href="#{name}"' in page, name
    assert fresh(session, session.get(Service, "kela-benefits")).duration_minutes == 30


def test_an_agency_s_sms_name_and_link_are_saved_and_a_link_needs_the_reference(
    staff_world, signed_in, session
):
    admin = signed_in("admin")
    bad = post_form(admin, "/admin/agencies/kela", {**AGENCY, "meeting_link_template": "https://x"})
    assert "Tapaamislinkissä on oltava {reference}." in bad.get_data(as_text=True)
    assert (
        post_form(admin, "/admin/agencies/kela", {**AGENCY, "sms_name_fi": "KELA"}).status_code
        == 302
    )
    agency = fresh(session, session.get(Agency, "kela"))
    assert agency.sms_name_fi == "KELA"
    assert agency.meeting_link_template == "https://video.kela.invalid/{reference}"
    page = admin.get("/admin/services").get_data(as_text=True)
    assert "/admin/services/kela-benefits" in page and "/admin/agencies/vero" in page


def test_an_admin_limited_to_points_cannot_change_agencies_or_services(staff_world, signed_in):
    admin_b = signed_in("admin_b")
    for path in ("/admin/services", "/admin/agencies/kela", "/admin/services/kela-benefits"):
        assert admin_b.get(path).status_code == 403


def test_what_to_bring_is_saved_per_language_audited_and_shown_at_the_desk(
    staff_world, signed_in, session
):
    admin = signed_in("admin")
    texts = {
        "what_to_bring_fi": "  Viimeisin   päätös \r\n\r\nTiliote\x07 ",
        "what_to_bring_sv": "Senaste beslutet",
        "what_to_bring_en": "",
    }
    answer = post_form(admin, "/admin/services/kela-benefits", {**SERVICE, **texts})
    assert answer.status_code == 302
    service = fresh(session, session.get(Service, "kela-benefits"))
    assert (service.what_to_bring_fi, service.what_to_bring_sv, service.what_to_bring_en) == (
        "Viimeisin päätös\nTiliote",
        "Senaste beslutet",
        "",
    )
    detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "change_region"))
    session.commit()
    assert "what_to_bring_fi '' → 'Viimeisin päätös\\nTiliote'" in detail
    assert "Viimeisin päätös\nTiliote</textarea>" in admin.get(
        "/admin/services/kela-benefits"
    ).get_data(as_text=True)
    desk = admin.get(f"/desk/appointments/{staff_world.kela_at_a.id}").get_data(as_text=True)
    assert "<dt>Mitä ottaa mukaan</dt>" in desk
    assert "Viimeisin päätös\nTiliote</dd>" in desk


def test_a_too_long_what_to_bring_is_named_and_changes_nothing(staff_world, signed_in, session):
    answer = post_form(
        signed_in("admin"),
        "/admin/services/kela-benefits",
        {**SERVICE, "what_to_bring_sv": "x" * 1001},
    )
    assert "Kirjoita enintään 1000 merkkiä." in answer.get_data(as_text=True)
    assert fresh(session, session.get(Service, "kela-benefits")).duration_minutes == 30
