"""``POST /api/v1/webhooks/twilio/status``: Twilio's delivery receipts, signature checked.

The signature covers the public URL (``BOOKING_BASE_URL`` + path), not the
address a proxy forwarded to. A bad or missing signature gets 403 and
changes nothing.
"""

from __future__ import annotations

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

from booking.engine.clock import utc_now
from booking.messages.delivery_receipts import record_delivery_receipt
from booking.web.database import get_session
from booking.webhooks.blueprint import bp

STATUS_PATH = "/twilio/status"


def public_url() -> str:
    base = str(current_app.config["BOOKING_BASE_URL"]).rstrip("/")
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def signed_by_twilio() -> bool:
    token = str(current_app.config.get("TWILIO_AUTH_TOKEN") or "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(public_url(), request.form.to_dict(), signature)


@bp.post(STATUS_PATH)
def twilio_status():
    if not signed_by_twilio():
        abort(403)
    provider_id = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus", "")
    if not provider_id or not status:
        abort(400)
    session = get_session()
    record_delivery_receipt(
        session,
        provider_id=provider_id[:64],
        status=status[:32],
        now=utc_now(),
        error_code=request.form.get("ErrorCode"),
    )
    session.commit()
    return "", 204
