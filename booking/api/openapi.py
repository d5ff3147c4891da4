"""The OpenAPI 3.1 description of the API, served at ``/api/v1/openapi.json``.

The schemas are generated from the pydantic models that parse the request
bodies (:mod:`booking.api.request_models`) and describe the answers
(:mod:`booking.api.response_models`); the paths are the table below.  Whoever
adds a route under ``/api/v1`` (any blueprint) adds it to ``PATHS``: a test
compares it with the URL map.  Paths are relative to the server URL ``/api/v1``.
"""

from __future__ import annotations

import copy

from flask import jsonify, request
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from booking.api import request_models, response_models
from booking.api.blueprint import bp
from booking.api.request_bodies import MAX_BODY_BYTES

REF = "#/components/schemas/{model}"

#: The models whose schemas are components (with every model they contain).
MODELS: tuple[type[BaseModel], ...] = (
    request_models.NewAppointment,
    request_models.Move,
    request_models.Cancel,
    request_models.ConfirmCode,
    response_models.Health,
    response_models.PointList,
    response_models.ServiceList,
    response_models.Availability,
    response_models.Appointment,
    response_models.BookedAppointment,
    response_models.HeldAppointment,
    response_models.SlotTaken,
    response_models.Error,
    response_models.FieldErrors,
)


class WithoutFieldTitles(GenerateJsonSchema):
    """Schemas without a ``title`` per property: it only repeats the field's name."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def component_schemas(models: tuple[type[BaseModel], ...]) -> dict[str, dict]:
    """Each model's schema and those of the models inside it, by model name."""
    schemas: dict[str, dict] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF, schema_generator=WithoutFieldTitles)
        for name, part in [*schema.pop("$defs", {}).items(), (model.__name__, schema)]:
            if schemas.setdefault(name, part) != part:
                raise ValueError(f"two different schemas are named {name}")
    return schemas


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def json_body(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


#: Error answers shared by many operations, by status code.
RESPONSES = {
    "401": ("Unauthorized", json_body(ref("Error"), "Missing or wrong manage token.")),
    "404": ("NotFound", json_body(ref("Error"), "No such thing (point, service or appointment).")),
    "409": ("Taken", json_body(ref("SlotTaken"), "The time was just taken; nearby free times.")),
    "410": ("HoldEnded", json_body(ref("Error"), "The hold ended: the time is free again.")),
    "413": ("TooLarge", json_body(ref("Error"), f"The body is over {MAX_BODY_BYTES} bytes.")),
    "415": ("NotJson", json_body(ref("Error"), "The body is not Content-Type: application/json.")),
    "422": ("Invalid", json_body(ref("FieldErrors"), "Invalid input; one message per field.")),
    "429": ("TooMany", json_body(ref("Error"), "Too many requests; try again later.")),
}

LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "fi, sv or en: the language of error messages.",
    "schema": {"type": "string"},
}


def parameter(name: str, where: str, schema: dict, required: bool = True) -> dict:
    return {"name": name, "in": where, "required": required, "schema": schema}


APPOINTMENT_ID = parameter("appointment_id", "path", {"type": "integer"})


def operation(
    operation_id: str,
    summary: str,
    answer: tuple[str, dict | str, str],
    *,
    errors: tuple[str, ...] = (),
    body: str | None = None,
    body_required: bool = True,
    parameters: tuple[dict, ...] = (LANGUAGE,),
    manage_token: bool = False,
    description: str | None = None,
    also: tuple[tuple[str, dict | str, str], ...] = (),
) -> dict:
    """One operation: its success ``answer`` (status, schema or model name, description)
    and ``also`` the other successes, the shared error answers by status, and the
    request body's model name."""
    responses = {
        status: json_body(ref(schema) if isinstance(schema, str) else schema, said)
        for status, schema, said in (answer, *also)
    }
    responses.update(
        {code: {"$ref": f"#/components/responses/{RESPONSES[code][0]}"} for code in errors}
    )
    found = {"summary": summary, "operationId": operation_id}
    if description:
        found["description"] = description
    if manage_token:
        found["security"] = [{"manageToken": []}]
    if parameters:
        found["parameters"] = list(parameters)
    if body:
        content = {"application/json": {"schema": ref(body)}}
        found["requestBody"] = {"required": body_required, "content": content}
    found["responses"] = responses
    return found


DATE = {"type": "string", "format": "date"}
MANAGE = {"manage_token": True, "parameters": (APPOINTMENT_ID, LANGUAGE)}

PATHS: dict[str, dict] = {
    "/health": {
        "get": operation("health", "Liveness check", ("200", "Health", "Up."), parameters=())
    },
    "/openapi.json": {
        "get": operation(
            "openapi",
            "This document",
            ("200", {"type": "object"}, "The OpenAPI document."),
            parameters=(),
        )
    },
    "/points": {
        "get": operation(
            "listPoints",
            "Service points and the services each offers",
            (
                "200",
                "PointList",
                "Active service points shown online (a hidden one is booked at its desk).",
            ),
            parameters=(),
        )
    },
    "/services": {
        "get": operation(
            "listServices",
            "Services with their agency and duration",
            ("200", "ServiceList", "Active services."),
            parameters=(),
        )
    },
    "/points/{point_id}/availability": {
        "get": operation(
            "pointAvailability",
            "Free start times of a service at a point",
            ("200", "Availability", "Free start times, ascending."),
            errors=("404", "422"),
            parameters=(
                parameter("point_id", "path", {"type": "string"}),
                parameter("service", "query", {"type": "string"}),
                parameter("from", "query", DATE, required=False),
                parameter("to", "query", DATE, required=False),
                LANGUAGE,
            ),
            description=(
                "Free start times from `from` to `to` (local dates, both included; at most "
                "62 days), in Helsinki time with its offset. Defaults: today and 30 days on."
            ),
        )
    },
    "/appointments": {
        "post": operation(
            "bookAppointment",
            "Book an appointment",
            ("202", "HeldAppointment", "Held until the code sent by SMS or e-mail is confirmed."),
            also=(("201", "BookedAppointment", "Booked (when numbers need no proof)."),),
            errors=("409", "413", "415", "422", "429"),
            body="NewAppointment",
            description=(
                "The time is held (status `held`) until `expires_at`, and a 6-digit code "
                "goes by SMS to `phone`: confirm it with POST /appointments/{id}/confirm. "
                "An unconfirmed hold frees its time by itself. A number is sent at most 3 "
                "codes an hour and 5 SMS a day (429 beyond that). Where the service does "
                "not verify numbers, the answer is 201 with status `booked`.\n\n"
                "A citizen without a mobile number that takes text messages may leave "
                "`phone` out and give `email`: the code, the confirmation and the reminders "
                "then go by e-mail. Such bookings count their limit of coming appointments "
                "per agency on the address, and a service point takes at most 2 online "
                "bookings without a number a day (then 422 naming `phone`: give a number or "
                "choose another day). Neither `phone` nor `email`: 422 naming `phone`."
            ),
        )
    },
    "/appointments/{appointment_id}": {
        "get": operation(
            "getAppointment",
            "One appointment, seen with its manage token",
            ("200", "Appointment", "The appointment."),
            errors=("401", "404", "429"),
            **MANAGE,
        )
    },
    "/appointments/{appointment_id}/confirm": {
        "post": operation(
            "confirmAppointment",
            "Confirm a held booking with the code sent by SMS (or by e-mail)",
            ("200", "Appointment", "Booked; the confirmation is sent."),
            errors=("401", "404", "410", "413", "415", "422", "429"),
            body="ConfirmCode",
            description=(
                "A wrong code is a 422 naming `code`; the fifth wrong code, or the hold's "
                "time running out, ends the hold (410) and frees its time."
            ),
            **MANAGE,
        )
    },
    "/appointments/{appointment_id}/cancel": {
        "post": operation(
            "cancelAppointment",
            "Cancel an appointment",
            ("200", "Appointment", "Cancelled."),
            errors=("401", "404", "413", "415", "422", "429"),
            body="Cancel",
            body_required=False,
            **MANAGE,
        )
    },
    "/appointments/{appointment_id}/move": {
        "post": operation(
            "moveAppointment",
            "Move an appointment to another free time",
            ("200", "Appointment", "Moved."),
            errors=("401", "404", "409", "413", "415", "422", "429"),
            body="Move",
            description=(
                "The same appointment id and calendar UID; the SEQUENCE goes up. "
                "At most 3 moves an appointment a day (422 naming `start` beyond that)."
            ),
            **MANAGE,
        )
    },
    "/webhooks/twilio/status": {
        "post": {
            "summary": "SMS delivery receipts from Twilio",
            "description": "Checked with the X-Twilio-Signature header against the public URL.",
            "operationId": "twilioStatus",
            "parameters": [parameter("X-Twilio-Signature", "header", {"type": "string"})],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["MessageSid", "MessageStatus"],
                            "properties": {
                                "MessageSid": {"type": "string"},
                                "MessageStatus": {"type": "string"},
                                "ErrorCode": {"type": "string"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "204": {"description": "Receipt recorded (or the message is unknown)."},
                "400": json_body(ref("Error"), "MessageSid or MessageStatus missing."),
                "403": json_body(ref("Error"), "Bad or missing signature."),
            },
        }
    },
}

DOCUMENT: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Etävaraus API",
        "version": "1.0.0",
        "description": (
            "Remote-service appointments at the joint service points of Central Finland. "
            "Instants are ISO 8601 with the Helsinki offset; dates are local (YYYY-MM-DD)."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "paths": PATHS,
    "components": {
        "schemas": component_schemas(MODELS),
        "responses": dict(RESPONSES.values()),
        "securitySchemes": {
            "manageToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "The manage token given when the appointment was booked.",
            }
        },
    },
}


def openapi_document(server_url: str = "/api/v1") -> dict:
    """A copy of the document with ``server_url`` as its server."""
    document = copy.deepcopy(DOCUMENT)
    document["servers"] = [{"url": server_url}]
    return document


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(request.script_root + "/api/v1"))
