"""The JSON API under /api/v1 (DESIGN.md §7), described by /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from booking.api import (  # noqa: E402,F401  (modules that register routes)
    appointments,
    catalogue,
    free_times,
    openapi,
    views,
)
