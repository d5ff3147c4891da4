"""``/api/v1/appointments``: 201, 409 with alternatives, 422 naming the field, 401/404."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.api import appointments as api
from booking.appointments import lifecycle as appointments
from booking.appointments.alternatives import nearby_alternatives
from booking.data.models import Appointment, OutboxMessage
from booking.engine.clock import HELSINKI
from tests.api.documented import conforms
from tests.write_lock import write_from_elsewhere

#: The clock the app sees: Monday 2026-03-02 10:00 Helsinki.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
#: Tuesday 2026-03-03 10:00 Helsinki.
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=HELSINKI)


@pytest.fixture
def world(factory, clock):
    return factory.region()


def body(**fields) -> dict:
    answer = {
        "point": "testila",
        "service": "kela-benefits",
        "start": TUESDAY_10.isoformat(),
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "language": "fi",
    }
    answer.update(fields)
    return {key: value for key, value in answer.items() if value is not ...}


def post(client, payload, **headers):
    return client.post("/api/v1/appointments", json=payload, headers=headers)


def nothing_written(session) -> bool:
    session.rollback()
    return (
        session.scalar(select(func.count(Appointment.id))) == 0
        and session.scalar(select(func.count(OutboxMessage.id))) == 0
    )


def test_booking_answers_201_with_links_and_helsinki_times(client, world, session):
    answer = post(client, body(email="maija@example.fi", topic="housing"))
    assert answer.status_code == 201, answer.get_json()
    data = answer.get_json()
    assert data["start"] == "2026-03-03T10:00:00+02:00"
    assert data["end"] == "2026-03-03T10:30:00+02:00"
    assert data["status"] == "booked"
    token = data["manage_token"]
    assert data["manage_url"] == f"http://booking.test/manage/{token}"
    assert data["calendar_url"] == f"http://booking.test/manage/{token}/calendar.ics"
    assert answer.headers["Location"].endswith(f"/api/v1/appointments/{data['id']}")
    stored = session.get(Appointment, data["id"])
    assert stored.phone == "+358401234567"
    assert token not in (stored.manage_token_hash or "")


def test_a_time_just_taken_answers_409_with_alternatives(client, world, session):
    assert post(client, body()).status_code == 201
    answer = post(client, body(phone="050 765 4321"), **{"Accept-Language": "en"})
    assert answer.status_code == 409
    data = answer.get_json()
    assert data["error"] == "slot_taken"
    assert "just taken" in data["message"]
    assert data["alternatives"]
    assert data["alternatives"][0]["point"] == "testila"
    assert data["alternatives"][0]["start"].endswith("+02:00")
    session.rollback()
    assert session.scalar(select(func.count(Appointment.id))) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "014 123 456"}, "phone"),  # a landline
        ({"phone": "049 123 4567"}, "phone"),
        ({"phone": "!!garbage!!"}, "phone"),
        ({"phone": "4" * 5000}, "phone"),
        ({"start": "2026-03-02T09:00:00+02:00"}, "start"),  # an hour ago
        ({"start": "2020-01-01T10:00:00+02:00"}, "start"),  # long past
        ({"start": "2026-03-03T10:05:00+02:00"}, "start"),  # off the grid
        ({"start": "2026-03-07T10:00:00+02:00"}, "start"),  # Saturday: closed
        ({"start": "2026-03-03T10:00:00"}, "start"),  # no offset
        ({"start": "tomorrow"}, "start"),
        ({"start": 1772524800}, "start"),
        ({"service": "vero-personal"}, "service"),  # not offered at this point
        ({"service": "no-such-service"}, "service"),
        ({"point": "no-such-point"}, "point"),
        ({"name": "M" * 121}, "name"),
        ({"name": "<script>alert('x')</script>"}, "name"),
        ({"name": "<b>Maija</b>"}, "name"),
        ({"email": "a@" + "b" * 300 + ".fi"}, "email"),
        ({"email": "<script>@example.fi"}, "email"),
        ({"topic": "<img src=x onerror=alert(1)>"}, "topic"),
        ({"needs": "<script>alert(1)</script>"}, "needs"),
        ({"needs": "x" * 501}, "needs"),
        ({"language": "de"}, "language"),
        ({"name": ...}, "name"),
        ({"phone": None}, "phone"),
        ({"name": ["Maija"]}, "name"),
        ({"email": 42}, "email"),
        ({"start": "9999-12-31T23:59:00+00:00"}, "start"),  # beyond what a date holds
        ({"start": "0001-01-01T00:00:00+05:00"}, "start"),
        ({"point": "testila\x00"}, "point"),  # PostgreSQL text cannot hold U+0000
        ({"service": "\x00"}, "service"),
        ({"name": "Maija\x00"}, "name"),
        ({"phone": "040\x001234567"}, "phone"),
        ({"email": "maija\x00@example.fi"}, "email"),
        ({"topic": "housing\x00"}, "topic"),
        ({"language": "fi\x00"}, "language"),
    ],
)
def test_bad_input_answers_422_naming_the_field_and_writes_nothing(
    client, factory, world, session, fields, field
):
    factory.service("vero-personal", agency="vero", points=())
    answer = post(client, body(**fields))
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["errors"]
    assert nothing_written(session)


def test_a_closure_day_answers_422(client, factory, world, session):
    factory.closure("testila", date(2026, 3, 3))
    answer = post(client, body())
    assert answer.status_code == 422
    assert "start" in answer.get_json()["errors"]
    assert nothing_written(session)


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[]", b"null", b'"text"', b"42", b"\xff\xfe", b'{"point": "testila"'],
)
def test_malformed_json_answers_422(client, world, session, raw):
    answer = client.post(
        "/api/v1/appointments", data=raw, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.is_json
    assert nothing_written(session)


def test_a_huge_body_is_refused_without_a_500(client, world, session):
    answer = post(client, body(needs="x" * 100_000))
    assert answer.status_code in {413, 422}
    assert answer.is_json
    assert nothing_written(session)


def test_errors_come_in_the_asked_language(client, world):
    finnish = post(client, body(phone="014 123 456"), **{"Accept-Language": "fi"})
    english = post(client, body(phone="014 123 456"), **{"Accept-Language": "en"})
    assert english.get_json()["errors"]["phone"].startswith("This number cannot receive our text")
    assert finnish.get_json()["errors"]["phone"] != english.get_json()["errors"]["phone"]


def test_the_limit_per_number_answers_422_on_the_phone(client, world):
    assert post(client, body()).status_code == 201
    later = (TUESDAY_10 + timedelta(hours=1)).isoformat()
    assert post(client, body(start=later)).status_code == 201
    latest = (TUESDAY_10 + timedelta(hours=2)).isoformat()
    answer = post(client, body(start=latest))
    assert answer.status_code == 422
    assert "phone" in answer.get_json()["errors"]


def booked(client) -> dict:
    answer = post(client, body())
    assert answer.status_code == 201
    return answer.get_json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_reading_needs_the_manage_token(client, world):
    data = booked(client)
    url = f"/api/v1/appointments/{data['id']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("wrong-token-" * 3)).status_code == 404
    answer = client.get(url, headers=bearer(data["manage_token"]))
    assert answer.status_code == 200
    assert answer.get_json()["start"] == data["start"]
    assert answer.get_json()["calendar_url"] == data["calendar_url"]


def test_a_wrong_token_cannot_tell_whether_an_id_exists(client, world):
    data = booked(client)
    existing = client.get(f"/api/v1/appointments/{data['id']}", headers=bearer("x" * 43))
    missing = client.get("/api/v1/appointments/999999", headers=bearer("x" * 43))
    assert existing.status_code == missing.status_code == 404
    assert existing.get_json() == missing.get_json()
    # A real token for another id says nothing either.
    other = client.get("/api/v1/appointments/999999", headers=bearer(data["manage_token"]))
    assert other.status_code == 404


def test_cancel_with_token(client, world, session):
    data = booked(client)
    url = f"/api/v1/appointments/{data['id']}/cancel"
    assert client.post(url, json={}).status_code == 401
    answer = client.post(url, json={"reason": "Asia hoitui"}, headers=bearer(data["manage_token"]))
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "cancelled"
    again = client.post(url, headers=bearer(data["manage_token"]))
    assert again.status_code == 422
    # The time is free again.
    assert post(client, body(phone="050 765 4321")).status_code == 201


def test_cancel_refuses_a_markup_reason(client, world, session):
    data = booked(client)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/cancel",
        json={"reason": "<script>x</script>"},
        headers=bearer(data["manage_token"]),
    )
    assert answer.status_code == 422
    assert "reason" in answer.get_json()["errors"]
    session.rollback()
    assert session.get(Appointment, data["id"]).status.value == "booked"


def test_move_with_token_keeps_the_id(client, world, session):
    data = booked(client)
    url = f"/api/v1/appointments/{data['id']}/move"
    new_start = "2026-03-04T13:00:00+02:00"
    assert client.post(url, json={"start": new_start}).status_code == 401
    answer = client.post(url, json={"start": new_start}, headers=bearer(data["manage_token"]))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["id"] == data["id"]
    assert answer.get_json()["start"] == new_start
    session.rollback()
    assert session.get(Appointment, data["id"]).revision == 1


def test_move_onto_a_taken_time_answers_409(client, world):
    data = booked(client)
    other_start = (TUESDAY_10 + timedelta(hours=2)).isoformat()
    assert post(client, body(start=other_start, phone="050 765 4321")).status_code == 201
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/move",
        json={"start": other_start},
        headers=bearer(data["manage_token"]),
    )
    assert answer.status_code == 409
    assert answer.get_json()["alternatives"]


def test_move_alternatives_are_looked_up_with_no_write_lock_held(
    client, world, engine, monkeypatch
):
    data = booked(client)
    other_start = (TUESDAY_10 + timedelta(hours=2)).isoformat()
    assert post(client, body(start=other_start, phone="050 765 4321")).status_code == 201
    searched = []

    def searching(*args, **kwargs):
        alternatives = nearby_alternatives(*args, **kwargs)
        write_from_elsewhere(engine)  # another booking is not kept waiting meanwhile
        searched.append(kwargs["now"])
        return alternatives

    for module in (appointments, api):
        monkeypatch.setattr(module, "nearby_alternatives", searching)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/move",
        json={"start": other_start},
        headers=bearer(data["manage_token"]),
    )
    assert answer.status_code == 409
    assert answer.get_json()["alternatives"]
    assert searched == [NOW]


@pytest.mark.parametrize("payload", [{"start": "soon"}, {}, [], {"start": None}])
def test_move_with_bad_input_answers_422(client, world, payload):
    data = booked(client)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/move",
        json=payload,
        headers=bearer(data["manage_token"]),
    )
    assert answer.status_code == 422


def test_answers_match_the_openapi_document(client, world):
    data = booked(client)
    conforms(data, "BookedAppointment")
    conforms(post(client, body(phone="050 765 4321")).get_json(), "SlotTaken")
    conforms(post(client, body(phone="014 123 456")).get_json(), "FieldErrors")
    url = f"/api/v1/appointments/{data['id']}"
    conforms(client.get(url, headers=bearer(data["manage_token"])).get_json(), "Appointment")
    conforms(client.get(url).get_json(), "Error")
    moved = client.post(
        f"{url}/move",
        json={"start": "2026-03-04T13:00:00+02:00"},
        headers=bearer(data["manage_token"]),
    )
    conforms(moved.get_json(), "Appointment")
    cancelled = client.post(f"{url}/cancel", json={}, headers=bearer(data["manage_token"]))
    conforms(cancelled.get_json(), "Appointment")


def test_booking_is_rate_limited_per_address(database_url, clean_database, factory, clock):
    from booking.app import create_app
    from tests.conftest import test_settings

    factory.region()
    app = create_app(
        test_settings(
            database_url,
            RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_BOOKING="4 per minute",
        )
    )
    try:
        client = app.test_client()
        statuses = [post(client, body(name="")).status_code for _ in range(5)]
        assert statuses == [422] * 4 + [429]
        limited = post(client, body(name=""))
        assert limited.is_json and limited.get_json()["error"] == "too_many_requests"
    finally:
        app.extensions["booking.engine"].dispose()


def test_an_expired_manage_token_answers_404(client, world, clock):
    data = booked(client)
    url = f"/api/v1/appointments/{data['id']}"
    clock.set(NOW + timedelta(days=16))
    assert client.get(url, headers=bearer(data["manage_token"])).status_code == 404


def test_a_past_appointment_cannot_be_moved_or_cancelled(client, world, clock, session):
    data = booked(client)
    url = f"/api/v1/appointments/{data['id']}"
    clock.set(TUESDAY_10 + timedelta(hours=1))
    moved = client.post(
        f"{url}/move",
        json={"start": "2026-03-04T13:00:00+02:00"},
        headers=bearer(data["manage_token"]),
    )
    cancelled = client.post(f"{url}/cancel", headers=bearer(data["manage_token"]))
    assert moved.status_code == cancelled.status_code == 422
    assert "status" in cancelled.get_json()["errors"]
    session.rollback()
    assert session.get(Appointment, data["id"]).status.value == "booked"
