"""Bad input to the staff pages changes nothing and never yields a server error."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from booking.data.models import Appointment
from tests.staff.test_desk import TUESDAY_NINE, caller

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CALLER_FIELDS = [
    "phone",
    "name",
    "point_id",
    "service_id",
    "day",
    "language",
    "email",
    "interpreter_language",
    "needs",
    "starts_at",
    "topic",
]


@FUZZ
@given(field=st.sampled_from(CALLER_FIELDS), value=st.text(max_size=200))
def test_no_desk_booking_input_gives_a_server_error(signed_in, staff_world, field, value):
    client = signed_in("admin")
    form = caller() | {"starts_at": TUESDAY_NINE, "topic": ""} | {field: value}
    for path in ("/desk/book", "/desk/book/confirm"):
        answer = client.post(path, data=form)
        assert answer.status_code in {200, 302, 400}, (path, answer.status_code)


@FUZZ
@given(value=st.text(max_size=120))
def test_no_query_gives_a_server_error(signed_in, staff_world, value):
    client = signed_in("admin")
    query = quote(value, safe="")
    for path in (
        f"/desk/search?q={query}",
        f"/admin/audit?reference={query}&page={query}",
        f"/desk/testila?day={query}",
        f"/expert/?day={query}&scope={query}",
        f"/desk/{query or 'x'}",
        f"/feeds/{query or 'x'}.ics",
    ):
        answer = client.get(path)
        assert answer.status_code in {200, 302, 308, 400, 403, 404, 405}, (path, answer.status_code)


def test_nul_characters_are_refused(signed_in, staff_world, session):
    client = signed_in("admin")
    assert client.get("/desk/search?q=a%00b").status_code == 400
    assert client.get("/desk/%00").status_code == 400
    assert client.post("/desk/book/confirm", data=caller(name="A\x00")).status_code == 400
    assert client.post("/staff/sign-in", data={"email": "\x00", "password": "x"}).status_code == 400
    assert session.scalar(select(func.count()).select_from(Appointment)) == 3
    session.commit()


def test_huge_numbers_in_addresses_are_not_found(signed_in, staff_world):
    client = signed_in("admin")
    huge = 10**30
    assert client.get(f"/desk/appointments/{huge}").status_code == 404
    assert client.post(f"/expert/appointments/{huge}/done").status_code == 404
    assert client.get(f"/admin/audit?page={huge}").status_code == 200
    for day in ("9999-12-31", "0001-01-01"):
        assert client.get(f"/expert/week?day={day}").status_code == 200
        assert client.get(f"/desk/testila?day={day}").status_code == 200


def test_far_off_day_is_named_as_a_mistake(signed_in, staff_world):
    client = signed_in("advisor_a")
    page = client.post("/desk/book", data=caller(day="9999-12-31"))
    assert page.status_code == 200
    assert "Tarkista päivämäärä." in page.get_data(as_text=True)
    far = caller() | {"starts_at": "9999-12-31T23:59:00+00:00"}
    assert client.post("/desk/book/confirm", data=far).status_code == 200


def test_move_to_a_malformed_time_changes_nothing(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    path = f"/desk/appointments/{staff_world.kela_at_a.id}/move"
    malformed = ("", "tomorrow", "2026-03-03T09:00", "2026-03-03T07:07:00+00:00")
    for value in (*malformed, "9999-12-31T23:59:00+00:00", "0001-01-01T00:00:00+00:00"):
        answer = client.post(path, data={"starts_at": value})
        assert answer.status_code == 200, value
    session.refresh(staff_world.kela_at_a)
    session.commit()
    assert staff_world.kela_at_a.revision == 0


POINT_FIELDS = [
    "name_fi",
    "street_address",
    "postal_code",
    "phone",
    "municipality_id",
    "online",
    "point_id",
    "room_name",
]


@FUZZ
@given(field=st.sampled_from(POINT_FIELDS), value=st.text(max_size=200))
def test_no_point_or_expert_input_gives_a_server_error(signed_in, staff_world, field, value):
    client = signed_in("admin")
    form = {
        "name_fi": "Testilä",
        "name_sv": "Testilä",
        "name_en": "Testilä",
        "street_address": "Kirkkotie 1",
        "postal_code": "40100",
        "post_office": "TESTILÄ",
        "phone": "",
        "municipality_id": "testila",
        "online": "shown",
        "point_id": "uusi",
        "room_name": "Huone",
    } | {field: value}
    for path in ("/admin/points/testila/details", "/admin/points/new"):
        answer = client.post(path, data=form)
        assert answer.status_code in {200, 302, 400}, (path, answer.status_code)
    expert = {"agency": value, "name": value, "email": value, "languages": "fi"}
    answer = client.post("/admin/experts/new", data=expert)
    assert answer.status_code in {200, 302, 400}, answer.status_code
