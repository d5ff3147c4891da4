"""The OpenAPI 3.1 description of the API, served at ``/api/v1/openapi.json``.

``DOCUMENT`` is the one place the API is described: whoever adds a route under
``/api/v1`` (any blueprint) adds its path here (a test compares it with the URL map).
Paths are relative to the server URL ``/api/v1``.
"""

from __future__ import annotations

import copy

from flask import jsonify, request

from booking.api.blueprint import bp
from booking.data.enums import AppointmentStatus


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


NAMES = {
    "type": "object",
    "description": "A name in Finnish, Swedish and English.",
    "required": ["fi", "sv", "en"],
    "properties": {"fi": {"type": "string"}, "sv": {"type": "string"}, "en": {"type": "string"}},
}

ISO_INSTANT = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 with the Helsinki offset, e.g. 2026-03-30T09:15:00+03:00.",
    "examples": ["2026-03-30T09:15:00+03:00"],
}

RESPONSES = {
    "NotFound": json_body(ref("Error"), "No such thing (point, service or appointment)."),
    "Invalid": json_body(ref("FieldErrors"), "Invalid input; one message per field."),
    "Unauthorized": json_body(ref("Error"), "Missing or wrong manage token."),
    "TooMany": json_body(ref("Error"), "Too many requests; try again later."),
    "Taken": json_body(ref("SlotTaken"), "The time was just taken; nearby free times."),
}

SCHEMAS = {
    "Names": NAMES,
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "examples": ["not_found"]},
            "message": {"type": "string", "description": "In the caller's language."},
        },
    },
    "FieldErrors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "description": "Field name → message in the caller's language.",
                "additionalProperties": {"type": "string"},
                "examples": [{"from": "Give the date as YYYY-MM-DD, for example 2026-03-30."}],
            }
        },
    },
    "Municipality": {
        "type": "object",
        "required": ["id", "names"],
        "properties": {"id": {"type": "string"}, "names": ref("Names")},
    },
    "Address": {
        "type": "object",
        "required": ["street", "postal_code", "post_office"],
        "properties": {
            "street": {"type": "string"},
            "postal_code": {"type": "string"},
            "post_office": {"type": "string"},
        },
    },
    "Point": {
        "type": "object",
        "required": ["id", "names", "municipality", "address", "phone", "services"],
        "properties": {
            "id": {"type": "string", "examples": ["jyvaskyla-korpilahti"]},
            "names": ref("Names"),
            "municipality": ref("Municipality"),
            "address": ref("Address"),
            "phone": {"type": ["string", "null"]},
            "timezone": {"type": "string", "examples": ["Europe/Helsinki"]},
            "services": {
                "type": "array",
                "description": "Ids of the services offered at this point.",
                "items": {"type": "string"},
            },
        },
    },
    "Agency": {
        "type": "object",
        "required": ["id", "names"],
        "properties": {"id": {"type": "string", "examples": ["kela"]}, "names": ref("Names")},
    },
    "Service": {
        "type": "object",
        "required": ["id", "agency", "names", "duration_minutes", "photo_id_required"],
        "properties": {
            "id": {"type": "string"},
            "agency": ref("Agency"),
            "names": ref("Names"),
            "duration_minutes": {"type": "integer", "minimum": 1},
            "photo_id_required": {
                "type": "boolean",
                "description": "The agency checks a photo ID at the point.",
            },
        },
    },
    "Availability": {
        "type": "object",
        "required": ["point", "service", "from", "to", "timezone", "times"],
        "properties": {
            "point": {"type": "string"},
            "service": {"type": "string"},
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "timezone": {"type": "string", "const": "Europe/Helsinki"},
            "times": {"type": "array", "items": ISO_INSTANT, "description": "Free starts."},
        },
    },
    "NewAppointment": {
        "type": "object",
        "required": ["point", "service", "start", "name", "phone", "language"],
        "properties": {
            "point": {"type": "string"},
            "service": {"type": "string"},
            "start": ISO_INSTANT,
            "name": {"type": "string", "minLength": 1},
            "phone": {"type": "string", "description": "A Finnish mobile number."},
            "email": {"type": ["string", "null"], "format": "email"},
            "language": {"type": "string", "enum": ["fi", "sv", "en"]},
            "topic": {"type": "string", "description": "A topic category key."},
        },
    },
    "Appointment": {
        "type": "object",
        "required": ["id", "start", "end", "status"],
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string", "description": "Short reference for phone and slip."},
            "point": {"type": "string"},
            "service": {"type": "string"},
            "start": ISO_INSTANT,
            "end": ISO_INSTANT,
            "status": {
                "type": "string",
                "enum": [status.value for status in AppointmentStatus],
            },
            "manage_url": {"type": "string", "format": "uri"},
            "calendar_url": {
                "type": "string",
                "format": "uri",
                "description": "The .ics file; opens without headers or sign-in.",
            },
        },
    },
    "BookedAppointment": {
        "allOf": [
            ref("Appointment"),
            {
                "type": "object",
                "required": ["manage_url", "manage_token", "calendar_url"],
                "properties": {
                    "manage_token": {
                        "type": "string",
                        "description": "Bearer token for reading, moving and cancelling.",
                    }
                },
            },
        ]
    },
    "Alternative": {
        "type": "object",
        "required": ["point", "start"],
        "properties": {"point": {"type": "string"}, "start": ISO_INSTANT},
    },
    "SlotTaken": {
        "type": "object",
        "required": ["error", "message", "alternatives"],
        "properties": {
            "error": {"type": "string", "const": "slot_taken"},
            "message": {"type": "string"},
            "alternatives": {
                "type": "array",
                "description": "Nearest free times: this point first, then other points.",
                "items": ref("Alternative"),
            },
        },
    },
    "Move": {
        "type": "object",
        "required": ["start"],
        "properties": {"start": ISO_INSTANT},
    },
    "Cancel": {
        "type": "object",
        "properties": {"reason": {"type": "string", "maxLength": 500}},
    },
}

LANG_PARAMETER = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "fi, sv or en: the language of error messages.",
    "schema": {"type": "string"},
}

APPOINTMENT_ID = {
    "name": "appointment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}

PATHS: dict[str, dict] = {
    "/health": {
        "get": {
            "summary": "Liveness check",
            "operationId": "health",
            "responses": {
                "200": json_body(
                    {"type": "object", "properties": {"status": {"const": "ok"}}}, "Up."
                )
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {"200": json_body({"type": "object"}, "The OpenAPI document.")},
        }
    },
    "/points": {
        "get": {
            "summary": "Service points and the services each offers",
            "operationId": "listPoints",
            "responses": {
                "200": json_body(
                    {
                        "type": "object",
                        "required": ["points"],
                        "properties": {"points": {"type": "array", "items": ref("Point")}},
                    },
                    "Active service points.",
                )
            },
        }
    },
    "/services": {
        "get": {
            "summary": "Services with their agency and duration",
            "operationId": "listServices",
            "responses": {
                "200": json_body(
                    {
                        "type": "object",
                        "required": ["services"],
                        "properties": {"services": {"type": "array", "items": ref("Service")}},
                    },
                    "Active services.",
                )
            },
        }
    },
    "/points/{point_id}/availability": {
        "get": {
            "summary": "Free start times of a service at a point",
            "operationId": "pointAvailability",
            "description": (
                "Free start times from `from` to `to` (local dates, both included; at most "
                "62 days), in Helsinki time with its offset. Defaults: today and 30 days on."
            ),
            "parameters": [
                {"name": "point_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "service", "in": "query", "required": True, "schema": {"type": "string"}},
                {
                    "name": "from",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "to",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                },
                LANG_PARAMETER,
            ],
            "responses": {
                "200": json_body(ref("Availability"), "Free start times, ascending."),
                "404": {"$ref": "#/components/responses/NotFound"},
                "422": {"$ref": "#/components/responses/Invalid"},
            },
        }
    },
    "/appointments": {
        "post": {
            "summary": "Book an appointment",
            "operationId": "bookAppointment",
            "parameters": [LANG_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("NewAppointment")}},
            },
            "responses": {
                "201": json_body(ref("BookedAppointment"), "Booked."),
                "409": {"$ref": "#/components/responses/Taken"},
                "422": {"$ref": "#/components/responses/Invalid"},
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
    "/appointments/{appointment_id}": {
        "get": {
            "summary": "One appointment, seen with its manage token",
            "operationId": "getAppointment",
            "security": [{"manageToken": []}],
            "parameters": [APPOINTMENT_ID, LANG_PARAMETER],
            "responses": {
                "200": json_body(ref("Appointment"), "The appointment."),
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
    "/appointments/{appointment_id}/cancel": {
        "post": {
            "summary": "Cancel an appointment",
            "operationId": "cancelAppointment",
            "security": [{"manageToken": []}],
            "parameters": [APPOINTMENT_ID, LANG_PARAMETER],
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": ref("Cancel")}},
            },
            "responses": {
                "200": json_body(ref("Appointment"), "Cancelled."),
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "422": {"$ref": "#/components/responses/Invalid"},
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
    "/appointments/{appointment_id}/move": {
        "post": {
            "summary": "Move an appointment to another free time",
            "description": "The same appointment id and calendar UID; the SEQUENCE goes up.",
            "operationId": "moveAppointment",
            "security": [{"manageToken": []}],
            "parameters": [APPOINTMENT_ID, LANG_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("Move")}},
            },
            "responses": {
                "200": json_body(ref("Appointment"), "Moved."),
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "409": {"$ref": "#/components/responses/Taken"},
                "422": {"$ref": "#/components/responses/Invalid"},
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
    "/webhooks/twilio/status": {
        "post": {
            "summary": "SMS delivery receipts from Twilio",
            "description": "Checked with the X-Twilio-Signature header against the public URL.",
            "operationId": "twilioStatus",
            "parameters": [
                {
                    "name": "X-Twilio-Signature",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
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
        "schemas": SCHEMAS,
        "responses": RESPONSES,
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
