"""Administrators' pages: every point's desk and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from booking.admin import views  # noqa: E402,F401  (registers the routes)
