"""The API reads JSON only when it is sent as JSON, and no JSON makes it fail.

A form on another site can post ``application/x-www-form-urlencoded``,
``multipart/form-data`` or ``text/plain`` to the API without a preflight; the
API answers those 415 and books nothing.  Thousands of nested brackets (too
deep for the parser) are a 422 naming ``body``, never a 500.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from booking.data.models import Appointment, OutboxMessage
from tests.api.documented import conforms
from tests.security import phone_proof as shared
from tests.security.phone_proof import booking_body

api, world = shared.api, shared.world

CROSS_SITE_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
    "",
]


def nothing_stored(session) -> bool:
    session.rollback()
    counts = [session.scalar(select(func.count(m.id))) for m in (Appointment, OutboxMessage)]
    session.rollback()
    return counts == [0, 0]


@pytest.mark.parametrize("content_type", CROSS_SITE_TYPES)
def test_a_body_not_sent_as_json_is_refused_with_415(api, world, session, content_type):
    answer = api.post(
        "/api/v1/appointments",
        data=json.dumps(booking_body()),
        headers={"Content-Type": content_type} if content_type else {},
    )
    assert answer.status_code == 415
    conforms(answer.get_json(), "Error")
    assert answer.get_json()["error"] == "unsupported_media_type"
    assert nothing_stored(session)


def test_json_with_a_charset_is_json(api, world):
    answer = api.post(
        "/api/v1/appointments",
        data=json.dumps(booking_body()).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert answer.status_code == 202


@pytest.mark.parametrize("path", ["move", "cancel", "confirm"])
def test_changes_of_an_appointment_read_json_only_too(api, world, path):
    held = api.post("/api/v1/appointments", json=booking_body()).get_json()
    answer = api.post(
        f"/api/v1/appointments/{held['id']}/{path}",
        data="start=2026-03-03T11:00%2B02:00&code=123456&reason=x",
        headers={
            "Authorization": f"Bearer {held['manage_token']}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert answer.status_code == 415


@pytest.mark.parametrize(
    "body",
    [
        "[" * 8000 + "]" * 8000,
        '{"name": ' + "[" * 8000 + "]" * 8000 + "}",
        '{"a":' * 2500 + "1" + "}" * 2500,
    ],
    ids=["brackets", "in-a-field", "objects"],
)
def test_deeply_nested_json_is_a_422_never_a_500(api, world, session, body):
    answer = api.post(
        "/api/v1/appointments", data=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.get_json() == {"errors": {"body": "Lähetä JSON-objekti."}}
    assert nothing_stored(session)
