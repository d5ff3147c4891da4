"""The service advisor's desk: the day per room, check-in, booking for a caller, print views."""

from flask import Blueprint

from booking.web.staff_display import template_helpers

bp = Blueprint("desk", __name__)
bp.context_processor(template_helpers)
