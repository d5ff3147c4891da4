"""Webhooks from outside services, signed by them instead of CSRF-protected."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from booking.webhooks import views  # noqa: E402, F401  (registers the routes)
