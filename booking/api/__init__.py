"""The JSON API under /api/v1 (DESIGN.md §7), described by /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from booking.api import views  # noqa: E402,F401  (registers the routes)
