"""``/appointments``: book, read, cancel and move through the JSON API (DESIGN.md §7).

Thin views: parse and type-check the JSON body, call one use case of
:mod:`booking.appointments`, commit or answer the error.  Every bad input is a
422 naming its field, in the caller's language; a time just taken is a 409
with nearby free times.  The manage token travels as ``Authorization: Bearer``;
a wrong token gets the same 404 as an unknown id, so it reveals nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from booking.api.blueprint import bp
from booking.api.json_errors import field_errors
from booking.appointments.lifecycle import (
    BookingError,
    BookingRequest,
    SlotTaken,
    book_appointment,
    cancel_appointment,
    find_by_manage_token,
    move_appointment,
    nearby_alternatives,
)
from booking.data.enums import BookingChannel
from booking.data.models import Appointment
from booking.engine.clock import HELSINKI, utc_now
from booking.web.database import get_session
from booking.web.extensions import limiter
from booking.web.refusals import refusal_text, refusal_texts
from booking.web.transaction import run_use_case

#: Bodies larger than this are refused before parsing (413).
MAX_BODY_BYTES = 16 * 1024
#: An ISO 8601 instant is short; anything longer is not one.
MAX_START_LENGTH = 40
#: Years outside these are typing mistakes, refused before any date arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2200

BOOKING_LIMIT = "20/minute;200/hour"
MANAGE_LIMIT = "30/minute"

_TEXT_FIELDS = ("point", "service", "name", "phone", "language")
_OPTIONAL_TEXT_FIELDS = ("email", "topic", "needs", "interpreter_language")


def iso(moment: datetime) -> str:
    return moment.astimezone(HELSINKI).isoformat()


def parse_start(raw: object) -> datetime | None:
    """An aware instant from ISO 8601 with an offset (or Z); None when it is not one,
    or lies outside the years a booking can be about."""
    if not isinstance(raw, str) or not 16 <= len(raw) <= MAX_START_LENGTH:
        return None
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None or moment.utcoffset() is None:
            return None
        moment.astimezone(UTC), moment.astimezone(HELSINKI)  # representable both ways
    except (ValueError, OverflowError):
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return moment


def _json_object() -> tuple[dict | None, dict[str, str]]:
    request.max_content_length = MAX_BODY_BYTES
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        return None, {"body": _("Send a JSON object.")}
    return body, {}


def _manage_urls(token: str) -> dict[str, str]:
    base = str(current_app.config["BOOKING_BASE_URL"]).rstrip("/")
    return {
        "manage_url": f"{base}/manage/{token}",
        "calendar_url": f"{base}/manage/{token}/calendar.ics",
    }


def appointment_json(appointment: Appointment) -> dict[str, object]:
    return {
        "id": appointment.id,
        "reference": appointment.reference,
        "point": appointment.point_id,
        "service": appointment.service_id,
        "start": iso(appointment.starts_at),
        "end": iso(appointment.ends_at),
        "status": appointment.status.value,
    }


def _error_answer(error: BookingError, alternatives=()):
    """409 for a time just taken (with nearby free times), 422 naming the field else."""
    if isinstance(error, SlotTaken):
        return _taken_answer(error, alternatives)
    return field_errors(refusal_texts(error, field="body"))


def _taken_answer(error: SlotTaken, alternatives):
    body = {
        "error": "slot_taken",
        "message": refusal_text(error),
        "alternatives": [
            {"point": alternative.point_id, "start": iso(alternative.starts_at)}
            for alternative in alternatives
        ],
    }
    return jsonify(body), 409


@bp.post("/appointments")
@limiter.limit(BOOKING_LIMIT)
def create_appointment():
    body, errors = _json_object()
    if body is None:
        return field_errors(errors)
    for field in _TEXT_FIELDS:
        if not isinstance(body.get(field), str) or not body[field].strip():
            errors[field] = _("This field is required.")
    for field in _OPTIONAL_TEXT_FIELDS:
        if body.get(field) is not None and not isinstance(body[field], str):
            errors[field] = _("Please write plain text.")
    for field in (*_TEXT_FIELDS, *_OPTIONAL_TEXT_FIELDS):
        # U+0000 has no place in any of these, and PostgreSQL text cannot hold it.
        if field not in errors and isinstance(body.get(field), str) and "\x00" in body[field]:
            errors[field] = _("Please write plain text.")
    start = parse_start(body.get("start"))
    if start is None:
        errors["start"] = _("Give the time in ISO 8601 with its offset.")
    if errors:
        return field_errors(errors)

    session = get_session()
    now = utc_now()
    booking = BookingRequest(
        point_id=body["point"],
        service_id=body["service"],
        starts_at=start,
        name=body["name"],
        phone=body["phone"],
        email=body.get("email"),
        language=body["language"],
        topic=body.get("topic") or "",
        needs=body.get("needs") or "",
        interpreter_language=body.get("interpreter_language"),
        channel=BookingChannel.API,
    )
    outcome = run_use_case(
        session,
        lambda: book_appointment(
            session,
            booking,
            now=now,
            max_active_per_agency=current_app.config["BOOKING_MAX_ACTIVE_PER_AGENCY"],
            base_url=current_app.config["BOOKING_BASE_URL"],
        ),
        look_around=lambda _taken: nearby_alternatives(
            session, booking.point_id, booking.service_id, start, now=now
        ),
    )
    if outcome.refusal is not None:
        return _error_answer(outcome.refusal, outcome.looked_around)
    result = outcome.result
    answer = appointment_json(result.appointment)
    answer.update(_manage_urls(result.manage_token), manage_token=result.manage_token)
    response = jsonify(answer)
    response.headers["Location"] = f"{request.script_root}/api/v1/appointments/{answer['id']}"
    return response, 201


def _authorised(session, appointment_id: int):
    """The appointment when the bearer token opens it; else the 401/404 answer."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        response = jsonify(error="unauthorized", message=_("Give the manage token."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="appointments"'
        return None, (response, 401)
    appointment = find_by_manage_token(
        session,
        token.strip(),
        now=utc_now(),
        link_days=current_app.config["BOOKING_MANAGE_LINK_DAYS"],
    )
    if appointment is None or appointment.id != appointment_id:
        return None, (jsonify(error="not_found", message=_("There is no such appointment.")), 404)
    return appointment, None


@bp.get("/appointments/<int:appointment_id>")
@limiter.limit(MANAGE_LIMIT)
def get_appointment(appointment_id: int):
    appointment, refusal = _authorised(get_session(), appointment_id)
    if refusal:
        return refusal
    answer = appointment_json(appointment)
    answer.update(_calendar_only(appointment))
    return jsonify(answer)


def _calendar_only(_appointment: Appointment) -> dict[str, str]:
    """The manage and calendar links of the token the caller already holds."""
    token = request.headers["Authorization"].partition(" ")[2].strip()
    return _manage_urls(token)


@bp.post("/appointments/<int:appointment_id>/cancel")
@limiter.limit(MANAGE_LIMIT)
def cancel(appointment_id: int):
    session = get_session()
    appointment, refusal = _authorised(session, appointment_id)
    if refusal:
        return refusal
    reason = ""
    if request.content_length:  # the body is optional
        body, errors = _json_object()
        if body is None:
            return field_errors(errors)
        reason = body.get("reason") or ""
        if not isinstance(reason, str):
            return field_errors({"reason": _("Please write plain text.")})
    refusal = run_use_case(
        session, lambda: cancel_appointment(session, appointment, now=utc_now(), reason=reason)
    ).refusal
    if refusal is not None:
        return _error_answer(refusal)
    answer = appointment_json(appointment)
    answer.update(_calendar_only(appointment))
    return jsonify(answer)


@bp.post("/appointments/<int:appointment_id>/move")
@limiter.limit(MANAGE_LIMIT)
def move(appointment_id: int):
    session = get_session()
    appointment, refusal = _authorised(session, appointment_id)
    if refusal:
        return refusal
    body, errors = _json_object()
    if body is None:
        return field_errors(errors)
    start = parse_start(body.get("start"))
    if start is None:
        return field_errors({"start": _("Give the time in ISO 8601 with its offset.")})
    now = utc_now()
    point_id, service_id = appointment.point_id, appointment.service_id
    outcome = run_use_case(
        session,
        lambda: move_appointment(session, appointment, start, now=now),
        look_around=lambda _taken: nearby_alternatives(
            session, point_id, service_id, start, now=now
        ),
    )
    if outcome.refusal is not None:
        return _error_answer(outcome.refusal, outcome.looked_around)
    answer = appointment_json(appointment)
    answer.update(_calendar_only(appointment))
    return jsonify(answer)
