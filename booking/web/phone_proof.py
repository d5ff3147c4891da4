"""Whether online bookings must prove their mobile number, as the settings say.

``BOOKING_VERIFY_PHONE`` (on unless set to 0) makes the citizen's pages and
the API hold a booking's time until the code sent by SMS is typed;
``BOOKING_HOLD_MINUTES`` (10) says for how long.  The desk never holds.
"""

from __future__ import annotations

from flask import current_app

from booking.appointments.holds import DEFAULT_HOLD_MINUTES, HoldPolicy


def hold_policy() -> HoldPolicy | None:
    """The policy for an online booking now, or None when numbers go unproven."""
    config = current_app.config
    if not config.get("BOOKING_VERIFY_PHONE", True):
        return None
    return HoldPolicy(minutes=int(config.get("BOOKING_HOLD_MINUTES") or DEFAULT_HOLD_MINUTES))
