"""The agency expert's pages: her calls of the day and week, who has arrived, her calendar feed."""

from flask import Blueprint

from booking.web.staff_display import template_helpers

bp = Blueprint("expert", __name__)
bp.context_processor(template_helpers)

#: The subscribed calendar feed: no sign-in, a secret token in the address instead.
feeds_bp = Blueprint("feeds", __name__)
