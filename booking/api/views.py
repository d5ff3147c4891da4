"""API views."""

from __future__ import annotations

from flask import jsonify

from booking.api import bp
from booking.extensions import csrf

csrf.exempt(bp)


@bp.get("/health")
def health():
    return jsonify(status="ok")
