"""The service advisor's desk: the day per room, check-in, booking for a caller, print views."""

from flask import Blueprint

from booking.staff_display import template_helpers

bp = Blueprint("desk", __name__)
bp.context_processor(template_helpers)

from booking.desk import booking_views, views  # noqa: E402,F401  (registers the routes)
