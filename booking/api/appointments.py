"""``/appointments``: book, read, cancel and move through the JSON API.

Thin views: parse and type-check the JSON body, call one use case of
:mod:`booking.appointments`, commit or answer the error.  Every bad input is a
422 naming its field, in the caller's language; a time just taken is a 409
with nearby free times.  The manage token travels as ``Authorization: Bearer``;
a wrong token gets the same 404 as an unknown id, so it reveals nothing.

While ``BOOKING_VERIFY_PHONE`` is on, a booking only holds its time (202,
status ``held``, ``expires_at``) and a code goes by SMS to its number (by e-mail
to its address when ``phone`` was left out, as on the citizen's pages);
``POST /appointments/{id}/confirm`` with that code books it (200).  A wrong
code is a 422 naming ``code``; a hold that ended (time out, five wrong codes)
is a 410.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from booking.api.blueprint import bp
from booking.api.json_errors import field_errors
from booking.api.request_bodies import read_body
from booking.api.request_models import Cancel, ConfirmCode, Move, NewAppointment
from booking.appointments.errors import HoldExpired, TooManyCodes
from booking.appointments.holds import confirm_hold
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
from booking.data.enums import AppointmentStatus, BookingChannel
from booking.data.models import Appointment
from booking.engine.clock import HELSINKI, utc_now
from booking.web.database import get_session
from booking.web.manage_links import manage_links
from booking.web.phone_proof import hold_policy
from booking.web.rate_limits import book_limit, cancel_limit, code_limit, lookup_limit, move_limit
from booking.web.refusals import refusal_text, refusal_texts
from booking.web.transaction import run_use_case


def iso(moment: datetime) -> str:
    return moment.astimezone(HELSINKI).isoformat()


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
    """409 for a time just taken (with nearby free times), 410 for a hold that ended,
    429 for a number sent its codes, 422 naming the field else."""
    if isinstance(error, SlotTaken):
        return _taken_answer(error, alternatives)
    if isinstance(error, HoldExpired | TooManyCodes):
        status = 410 if isinstance(error, HoldExpired) else 429
        return jsonify(error=error.code, message=refusal_text(error)), status
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
@book_limit
def create_appointment():
    body, errors = read_body(NewAppointment)
    if body is None:
        return field_errors(errors)
    start = body.start

    session = get_session()
    now = utc_now()
    booking = BookingRequest(
        point_id=body.point,
        service_id=body.service,
        starts_at=start,
        name=body.name,
        phone=body.phone,
        email=body.email,
        language=body.language,
        topic=body.topic or "",
        needs=body.needs or "",
        interpreter_language=body.interpreter_language,
        channel=BookingChannel.API,
    )
    outcome = run_use_case(
        session,
        lambda: book_appointment(
            session,
            booking,
            now=now,
            max_active_per_agency=current_app.config["BOOKING_MAX_ACTIVE_PER_AGENCY"],
            links=manage_links(),
            hold=hold_policy(),
        ),
        look_around=lambda _taken: nearby_alternatives(
            session, booking.point_id, booking.service_id, start, now=now
        ),
    )
    if outcome.refusal is not None:
        return _error_answer(outcome.refusal, outcome.looked_around)
    result = outcome.result
    appointment = result.appointment
    answer = appointment_json(appointment)
    answer.update(_manage_urls(result.manage_token), manage_token=result.manage_token)
    held = appointment.status == AppointmentStatus.HELD
    if held:
        answer["expires_at"] = iso(appointment.expires_at)
    response = jsonify(answer)
    response.headers["Location"] = f"{request.script_root}/api/v1/appointments/{answer['id']}"
    return response, 202 if held else 201


@bp.post("/appointments/<int:appointment_id>/confirm")
@code_limit
def confirm(appointment_id: int):
    session = get_session()
    appointment, refusal = _authorised(session, appointment_id)
    if refusal:
        return refusal
    body, errors = read_body(ConfirmCode)
    if body is None:
        return field_errors(errors)
    refusal = confirm_hold(session, appointment, body.code, now=utc_now())
    session.commit()  # a wrong code counts, so it is kept too
    if refusal is not None:
        return _error_answer(refusal)
    answer = appointment_json(appointment)
    answer.update(_calendar_only(appointment))
    return jsonify(answer)


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
@lookup_limit
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
@cancel_limit
def cancel(appointment_id: int):
    session = get_session()
    appointment, refusal = _authorised(session, appointment_id)
    if refusal:
        return refusal
    reason = ""
    if request.content_length:  # the body is optional
        body, errors = read_body(Cancel)
        if body is None:
            return field_errors(errors)
        reason = body.reason or ""
    refusal = run_use_case(
        session, lambda: cancel_appointment(session, appointment, now=utc_now(), reason=reason)
    ).refusal
    if refusal is not None:
        return _error_answer(refusal)
    answer = appointment_json(appointment)
    answer.update(_calendar_only(appointment))
    return jsonify(answer)


@bp.post("/appointments/<int:appointment_id>/move")
@move_limit
def move(appointment_id: int):
    session = get_session()
    appointment, refusal = _authorised(session, appointment_id)
    if refusal:
        return refusal
    body, errors = read_body(Move)
    if body is None:
        return field_errors(errors)
    start = body.start
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
