"""The citizen's pages: points, services, free times, booking and managing a booking."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="../templates/public")

from booking.public import views  # noqa: E402,F401  (registers the routes)
