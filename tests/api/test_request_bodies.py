"""Request bodies against their documented schemas: every documented field is accepted
and kept, every required one is named when missing, unknown ones are refused by name,
and the documented lengths are the ones enforced, in the use cases' own words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from booking.api.openapi import DOCUMENT
from booking.api.request_models import Cancel, Move, NewAppointment, refusals_of, refused_fields
from booking.appointments.citizen_details import InvalidDetails, clean_citizen_details
from booking.data.models import Appointment
from tests.api.test_appointments_api import NOW, TUESDAY_10, bearer, body, nothing_written, post
from tests.api.test_fuzz import json_values

SCHEMAS = DOCUMENT["components"]["schemas"]
BOOKING = SCHEMAS["NewAppointment"]

#: A valid value for every field of a booking; each shows in the stored appointment.
EVERY_FIELD = {
    "point": "testila",
    "service": "kela-benefits",
    "start": TUESDAY_10.isoformat(),
    "name": "Maija Meikäläinen",
    "phone": "040 123 4567",
    "language": "sv",
    "email": "maija@example.fi",
    "topic": "housing",
    "needs": "Pyörätuoli",
    "interpreter_language": "arabia",
}
#: The citizen's details of ``EVERY_FIELD``, as the use cases check them.
DETAILS = {
    field: EVERY_FIELD[field]
    for field in ("name", "phone", "email", "language", "topic", "needs", "interpreter_language")
}


def max_length(schema: dict) -> int | None:
    """The documented ``maxLength`` of a text field, nullable or not."""
    texts = [schema, *schema.get("anyOf", ())]
    return next((text["maxLength"] for text in texts if "maxLength" in text), None)


LIMITED = [
    (field, max_length(schema))
    for field, schema in BOOKING["properties"].items()
    if max_length(schema) is not None
]


@pytest.fixture
def world(factory, clock):
    clock.set(NOW)
    return factory.region()


def booked(client) -> dict:
    answer = post(client, body())
    assert answer.status_code == 201
    return answer.get_json()


def test_every_documented_booking_field_is_accepted_and_kept(client, world, session):
    assert set(BOOKING["properties"]) == set(EVERY_FIELD), "give each documented field a value"
    answer = post(client, EVERY_FIELD)
    assert answer.status_code == 201, answer.get_json()
    data = answer.get_json()
    assert (data["point"], data["service"], data["start"]) == (
        "testila",
        "kela-benefits",
        "2026-03-03T10:00:00+02:00",
    )
    stored = session.get(Appointment, data["id"])
    kept = {field: getattr(stored, field) for field in DETAILS}
    assert kept == {**DETAILS, "phone": "+358401234567"}


def test_the_documented_required_fields_are_enough(client, world):
    # Required: the listed fields, and one of each "anyOf" set (a phone or an e-mail address).
    reach = [set(alternative["required"]) for alternative in BOOKING["anyOf"]]
    assert reach == [{"phone"}, {"email"}]
    assert set(BOOKING["required"]) | {"phone"} == set(body())
    assert post(client, body()).status_code == 201
    by_email = body(phone=..., email="maija@example.fi", start="2026-03-03T11:00+02:00")
    assert set(by_email) == set(BOOKING["required"]) | {"email"}
    assert post(client, by_email).status_code == 201


@pytest.mark.parametrize("field", BOOKING["required"])
def test_a_missing_required_field_is_named(client, world, session, field):
    answer = post(client, body(**{field: ...}))
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == [field]
    assert nothing_written(session)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "There is no such field."),
        ("fi", "Tällaista tietoa ei ole."),
        ("sv", "Någon sådan uppgift finns inte."),
    ],
)
def test_an_unknown_booking_field_is_refused_by_name(client, world, session, language, message):
    answer = post(client, body(colour="blue"), **{"Accept-Language": language})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"colour": message}
    assert nothing_written(session)


@pytest.mark.parametrize(
    ("action", "payload", "unknown"),
    [
        ("move", {"start": "2026-03-04T13:00:00+02:00", "when": "later"}, "when"),
        ("cancel", {"reason": "Asia hoitui", "why": "x"}, "why"),
    ],
)
def test_unknown_fields_of_move_and_cancel_are_refused_by_name(
    client, world, session, action, payload, unknown
):
    data = booked(client)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/{action}",
        json=payload,
        headers=bearer(data["manage_token"]),
    )
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == [unknown]
    session.rollback()
    stored = session.get(Appointment, data["id"])
    assert (stored.status.value, stored.revision) == ("booked", 0)


@pytest.mark.parametrize(("field", "limit"), LIMITED)
def test_a_field_over_its_documented_length_is_refused_in_the_use_cases_words(
    client, world, session, field, limit
):
    too_long = "x" * (limit + 1)
    answer = post(client, body(**{field: too_long}), **{"Accept-Language": "en"})
    assert answer.status_code == 422
    with pytest.raises(InvalidDetails) as refused:
        clean_citizen_details(**{**DETAILS, field: too_long}, agency_id="kela")
    assert answer.get_json()["errors"] == {field: refused.value.errors[field]}
    assert nothing_written(session)


@pytest.mark.parametrize(("field", "limit"), LIMITED)
def test_a_field_of_its_documented_length_passes_the_shape_check(field, limit):
    NewAppointment.model_validate({**EVERY_FIELD, field: "x" * limit})


def test_a_name_under_its_documented_length_is_refused_as_the_use_cases_refuse_it(client, world):
    short = "M" * (BOOKING["properties"]["name"]["minLength"] - 1)
    answer = post(client, body(name=short), **{"Accept-Language": "fi"})
    assert answer.get_json()["errors"] == {"name": "Anna nimesi."}
    with pytest.raises(InvalidDetails) as refused:
        clean_citizen_details(**{**DETAILS, "name": short}, agency_id="kela")
    assert refused.value.errors == {"name": "Please give your name."}


@pytest.mark.parametrize(
    ("fields", "language", "errors"),
    [
        ({"name": ["Maija"]}, "fi", {"name": "Tämä tieto on pakollinen."}),
        (
            {"phone": "  "},
            "sv",
            {
                "phone": "Ange ett mobilnummer, eller en e-postadress om du inte har något "
                "mobilnummer som tar emot sms."
            },
        ),
        (
            {"email": 42, "needs": "\x00"},
            "en",
            dict.fromkeys(["email", "needs"], "Please write plain text."),
        ),
        ({"language": "de"}, "en", {"language": "Please choose Finnish, Swedish or English."}),
        ({"start": "tomorrow"}, "fi", {"start": "Anna aika ISO 8601 -muodossa aikaeroineen."}),
    ],
)
def test_shape_errors_are_worded_in_the_callers_language(client, world, fields, language, errors):
    answer = post(client, body(**fields), **{"Accept-Language": language})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == errors


def test_move_names_a_missing_start(client, world):
    data = booked(client)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/move",
        json={},
        headers=bearer(data["manage_token"]) | {"Accept-Language": "en"},
    )
    assert SCHEMAS["Move"]["required"] == ["start"]
    assert answer.get_json()["errors"] == {"start": "Give the time in ISO 8601 with its offset."}


def test_every_documented_cancel_field_is_accepted_and_kept(client, world, session):
    assert set(SCHEMAS["Cancel"]["properties"]) == {"reason"}
    data = booked(client)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/cancel",
        json={"reason": "Asia hoitui"},
        headers=bearer(data["manage_token"]),
    )
    assert answer.status_code == 200
    session.rollback()
    assert session.get(Appointment, data["id"]).cancel_reason == "Asia hoitui"


def test_a_cancel_reason_over_its_documented_length_is_named(client, world, session):
    data = booked(client)
    too_long = "x" * (max_length(SCHEMAS["Cancel"]["properties"]["reason"]) + 1)
    answer = client.post(
        f"/api/v1/appointments/{data['id']}/cancel",
        json={"reason": too_long},
        headers=bearer(data["manage_token"]) | {"Accept-Language": "en"},
    )
    assert answer.get_json()["errors"] == {"reason": "This text is too long."}
    session.rollback()
    assert session.get(Appointment, data["id"]).status.value == "booked"


def test_every_request_field_says_how_it_is_refused():
    for model in (NewAppointment, Move, Cancel):
        for field in model.model_fields:
            assert refusals_of(model, field) is not None, f"{model.__name__}.{field}"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    body=st.dictionaries(
        st.sampled_from([*NewAppointment.model_fields, "reason", "extra"]), json_values
    )
)
def test_any_json_object_is_parsed_or_refused_field_by_field(body):
    for model in (NewAppointment, Move, Cancel):
        try:
            model.model_validate(body)
        except ValidationError as error:
            refused = refused_fields(model, error)
            assert refused
            assert set(refused) <= {*body, *model.model_fields}
