"""The OpenAPI document: valid 3.1, every route in it and nothing else, its schemas honest."""

from __future__ import annotations

import re
from datetime import date

from openapi_spec_validator import validate

from booking.api.openapi import DOCUMENT
from booking.api.request_models import Cancel, Move, NewAppointment

SCHEMAS = DOCUMENT["components"]["schemas"]
REQUEST_SCHEMAS = {model.__name__ for model in (NewAppointment, Move, Cancel)}


def test_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "/api/v1"}]


def _template(path: str) -> str:
    """A path with its parameter names blanked: /points/{} for /points/<point_id>."""
    return re.sub(r"\{[^}]*\}", "{}", re.sub(r"<(?:[^:>]+:)?[^>]+>", "{}", path))


def test_every_api_route_is_documented(app):
    documented = {
        (_template(path), method.upper())
        for path, operations in DOCUMENT["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    routes = {
        (_template(rule.rule.removeprefix("/api/v1")), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert ("/points/{}/availability", "GET") in routes
    assert routes <= documented, f"undocumented API routes: {sorted(routes - documented)}"
    assert documented <= routes, f"documented but missing: {sorted(documented - routes)}"


def test_documented_free_times_example_matches_the_answer_format():
    example = SCHEMAS["Availability"]["properties"]["times"]["items"]
    moment = example["examples"][0]
    assert date.fromisoformat(moment[:10]) == date(2026, 3, 30)
    assert moment.endswith("+03:00")


def test_every_answer_field_is_required_so_none_is_documented_but_never_sent():
    for name, schema in SCHEMAS.items():
        if name in REQUEST_SCHEMAS or "properties" not in schema:
            continue
        assert set(schema.get("required", ())) == set(schema["properties"]), name


def test_request_bodies_refuse_undocumented_fields():
    for name in REQUEST_SCHEMAS:
        assert SCHEMAS[name]["additionalProperties"] is False, name


def test_every_documented_example_passes_the_request_models():
    for model in (NewAppointment, Move, Cancel):
        properties = SCHEMAS[model.__name__]["properties"]
        example = {field: schema["examples"][0] for field, schema in properties.items()}
        model.model_validate(example)


def test_operations_name_their_request_models():
    paths = DOCUMENT["paths"]

    def body_of(path: str) -> str:
        schema = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return schema["$ref"].rsplit("/", 1)[1]

    assert body_of("/appointments") == "NewAppointment"
    assert body_of("/appointments/{appointment_id}/move") == "Move"
    assert body_of("/appointments/{appointment_id}/cancel") == "Cancel"
    assert (
        paths["/appointments/{appointment_id}/cancel"]["post"]["requestBody"]["required"] is False
    )


def test_a_booking_is_documented_with_a_phone_or_an_e_mail_address():
    schema = SCHEMAS["NewAppointment"]
    assert "phone" not in schema["required"] and "email" not in schema["required"]
    assert schema["anyOf"] == [{"required": ["phone"]}, {"required": ["email"]}]
    assert "`email`" in schema["properties"]["phone"]["description"]
    example = {field: part["examples"][0] for field, part in schema["properties"].items()}
    del example["phone"]
    NewAppointment.model_validate(example)  # an e-mail address alone passes the model
    booking = DOCUMENT["paths"]["/appointments"]["post"]["description"]
    assert "leave `phone` out and give `email`" in booking
