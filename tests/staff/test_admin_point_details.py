"""An administrator edits a point's own details and shows or hides it online; a region
administrator adds a new point.

A hidden point is not offered to citizens (site, API, online booking) while its desk
keeps booking there; its booked appointments stay booked, and the page says so first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from booking.appointments.errors import NotBookable
from booking.appointments.lifecycle import BookingRequest, book_appointment, move_appointment
from booking.data.audit_models import AuditEvent
from booking.data.enums import AppointmentStatus, BookingChannel
from booking.data.models import Room, ServicePoint
from tests.factories import NOW
from tests.staff.conftest import fresh
from tests.staff.test_admin_calendar import post_form

PATH = "/admin/points/testila/details"
#: Tuesday 3.3.2026 11:00 Helsinki: inside point A's hours.
TUESDAY_ELEVEN = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def details(**changes) -> dict[str, str]:
    return {
        "name_fi": "Testilän asiointipiste",
        "name_sv": "Testilä servicepunkt",
        "name_en": "Testilä service point",
        "street_address": "Kirkkotie 1",
        "postal_code": "40100",
        "post_office": "TESTILÄ",
        "phone": "",
        "municipality_id": "testila",
        "online": "shown",
        **changes,
    }


def audit_details(session) -> list[str]:
    rows = session.scalars(select(AuditEvent.detail).order_by(AuditEvent.id)).all()
    session.commit()
    return list(rows)


def test_the_page_shows_the_point_s_details_in_finnish(staff_world, signed_in):
    page = signed_in("admin").get(PATH).get_data(as_text=True)
    assert "Nimi suomeksi" in page and "Postinumero" in page
    assert 'value="Testilä yhteispalvelupiste"' in page
    assert re.search(r'<input checked[^>]*value="shown"', page)


def test_saved_details_change_the_point_and_the_audit_says_from_what_to_what(
    staff_world, signed_in, session
):
    answer = post_form(signed_in("admin"), PATH, details(phone="014 459 0100"))
    assert answer.status_code == 302 and answer.headers["Location"].endswith(PATH)
    point = fresh(session, staff_world.point_a)
    assert point.name_fi == "Testilän asiointipiste"
    assert point.phone == "+358 14 4590100"
    line = audit_details(session)[-1]
    assert "point testila:" in line
    assert "name_fi 'Testilä yhteispalvelupiste' → 'Testilän asiointipiste'" in line
    assert "phone None → '+358 14 4590100'" in line


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("postal_code", "4010", "Kirjoita postinumero viitenä numerona"),
        ("phone", "12345", "Kirjoita puhelinnumero suuntanumeroineen"),
        ("name_fi", "  ", "Täytä tämä kenttä."),
        ("municipality_id", "atlantis", "Valitse kunta."),
    ],
)
def test_bad_details_are_named_in_finnish_and_change_nothing(
    staff_world, signed_in, session, field, bad, message
):
    answer = post_form(signed_in("admin"), PATH, details(**{field: bad}))
    assert answer.status_code == 200
    assert message in answer.get_data(as_text=True)
    point = fresh(session, staff_world.point_a)
    assert point.name_fi == "Testilä yhteispalvelupiste" and point.phone is None


def test_a_postal_code_must_be_one_of_the_municipality_s(staff_world, factory, signed_in, session):
    staff_world.point_a.municipality.postal_codes = "42700 42701"
    session.commit()
    page = post_form(signed_in("admin"), PATH, details()).get_data(as_text=True)
    assert "42700, 42701" in page
    assert fresh(session, staff_world.point_a).name_fi == "Testilä yhteispalvelupiste"


def test_a_limited_admin_changes_her_own_point_only(staff_world, signed_in, session):
    admin_b = signed_in("admin_b")
    assert admin_b.get(PATH).status_code == 403
    own = "/admin/points/toinen/details"
    answer = post_form(admin_b, own, details(name_fi="Toisen piste", municipality_id="testila"))
    assert answer.status_code == 302
    assert fresh(session, staff_world.point_b).name_fi == "Toisen piste"


def test_hiding_a_point_lists_its_bookings_as_staying_then_hides_it_from_citizens_only(
    staff_world, signed_in, session, client, factory
):
    booked = staff_world.kela_at_a
    admin = signed_in("admin")
    preview = post_form(admin, PATH, details(online="hidden")).get_data(as_text=True)
    assert booked.reference in preview and "Pysyy varattuna" in preview
    assert fresh(session, staff_world.point_a).online is True  # nothing saved yet

    done = post_form(admin, PATH, details(online="hidden", confirm="yes"))
    assert done.status_code == 302
    assert fresh(session, staff_world.point_a).online is False
    assert fresh(session, booked).status is AppointmentStatus.BOOKED
    assert "point testila: " in audit_details(session)[-1]
    assert "online shown online → hidden online" in audit_details(session)[-1]

    assert "Testilä" not in client.get("/").get_data(as_text=True)
    assert client.get("/points/testila").status_code == 404
    assert client.get("/book/testila").status_code == 404
    listed = [p["id"] for p in client.get("/api/v1/points").get_json()["points"]]
    assert "testila" not in listed and "toinen" in listed
    path = "/api/v1/points/testila/availability?service=kela-benefits&from=2026-03-03"
    assert client.get(path).status_code == 404

    request = BookingRequest(
        point_id="testila",
        service_id="kela-benefits",
        starts_at=TUESDAY_ELEVEN,
        name="Aino Citizen",
        phone="+358401234567",
    )
    with pytest.raises(NotBookable):
        book_appointment(session, request, now=NOW)
    session.rollback()
    desk = BookingRequest(**{**request.__dict__, "channel": BookingChannel.DESK})
    assert book_appointment(session, desk, now=NOW).appointment.point_id == "testila"
    session.rollback()


def test_a_region_admin_adds_a_point_hidden_online_with_its_first_room(
    staff_world, signed_in, session, client
):
    new = {**details(name_fi="Uusi piste"), "point_id": "uusi-piste", "room_name": "Etähuone"}
    del new["online"]
    answer = post_form(signed_in("admin"), "/admin/points/new", new)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/admin/points/uusi-piste/details")
    point = session.get(ServicePoint, "uusi-piste")
    assert point.active and not point.online and point.name_fi == "Uusi piste"
    rooms = session.scalars(select(Room.name).where(Room.point_id == "uusi-piste")).all()
    session.commit()
    assert rooms == ["Etähuone"]
    assert any("point uusi-piste: added" in line for line in audit_details(session))
    assert client.get("/points/uusi-piste").status_code == 404


def test_a_new_point_s_id_must_be_free_and_a_slug(staff_world, signed_in, session):
    admin = signed_in("admin")
    new = {**details(), "room_name": "Huone"}
    for bad, message in (("testila", "on jo"), ("Iso Piste", "pienillä kirjaimilla")):
        page = post_form(admin, "/admin/points/new", {**new, "point_id": bad})
        assert page.status_code == 200 and message in page.get_data(as_text=True)
    count = session.scalars(select(ServicePoint.id)).all()
    session.commit()
    assert sorted(count) == ["testila", "toinen"]


def test_a_limited_admin_cannot_add_a_point(staff_world, signed_in):
    assert signed_in("admin_b").get("/admin/points/new").status_code == 403


def test_a_citizen_with_a_booking_at_a_hidden_point_may_still_move_it(staff_world, session):
    staff_world.point_a.online = False
    session.commit()
    booked = staff_world.kela_at_a
    moved = move_appointment(session, booked, TUESDAY_ELEVEN, now=NOW)  # as from her link
    session.commit()
    assert (moved.starts_at, moved.status) == (TUESDAY_ELEVEN, AppointmentStatus.BOOKED)


def test_the_desk_s_day_says_when_its_point_is_hidden_online(staff_world, signed_in, session):
    advisor = signed_in("advisor_a")
    notice = "Piste on piilotettu verkosta"
    assert notice not in advisor.get("/desk/testila").get_data(as_text=True)
    staff_world.point_a.online = False
    session.commit()
    assert notice in advisor.get("/desk/testila").get_data(as_text=True)
