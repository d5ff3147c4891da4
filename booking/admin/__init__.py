"""Administrators' pages: every point's desk and the audit log."""

from flask import Blueprint

from booking.staff_requests import refuse_nul_characters

bp = Blueprint("admin", __name__)
bp.before_request(refuse_nul_characters)

from booking.admin import views  # noqa: E402,F401  (registers the routes)
