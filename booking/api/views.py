"""API views."""

from __future__ import annotations

from flask import jsonify

from booking.api.blueprint import bp
from booking.web.extensions import csrf

csrf.exempt(bp)


@bp.get("/health")
def health():
    return jsonify(status="ok")
