"""Webhooks from outside services, signed by them instead of CSRF-protected."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webhooks", __name__)
