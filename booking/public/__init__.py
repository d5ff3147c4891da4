"""The citizen's pages: points, services, free times, booking and managing a booking."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="../templates/public")

from booking.public import (  # noqa: E402,F401  (modules that register routes and filters)
    booking_views,
    formatting,
    manage_views,
    views,
)
