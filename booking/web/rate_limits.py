"""The rate limits: one setting per action, and one count per action and client address.

Each action is limited once, with the same counter on the citizen's pages and
in the JSON API (Flask-Limiter's shared limits): ten bookings a minute are ten
in all, not ten on the web and ten more through the API.  The values are
settings (``config/settings.py``, README "Configure"), read at each request.
"""

from __future__ import annotations

from flask import current_app

from booking.web.extensions import limiter


def _setting(name: str):
    return lambda: str(current_app.config[name])


def _limit(setting: str, scope: str):
    # Only POST is counted: the same views show their form on GET.
    return limiter.shared_limit(_setting(setting), scope=scope, methods=["POST"])


book_limit = _limit("BOOKING_RATELIMIT_BOOKING", "book")
code_limit = _limit("BOOKING_RATELIMIT_CODE", "code")
move_limit = _limit("BOOKING_RATELIMIT_MOVE", "move")
cancel_limit = _limit("BOOKING_RATELIMIT_CANCEL", "cancel")
sign_in_limit = _limit("BOOKING_RATELIMIT_SIGN_IN", "sign-in")
feedback_limit = _limit("BOOKING_RATELIMIT_FEEDBACK", "feedback")
#: Reading one appointment by its manage token (the citizen's page, ``GET`` in the API).
lookup_limit = limiter.shared_limit(
    _setting("BOOKING_RATELIMIT_LOOKUP"), scope="lookup", methods=["GET"]
)
