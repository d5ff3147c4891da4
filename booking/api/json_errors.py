"""JSON error answers of the API: 404 for an unknown thing, 422 naming each bad field.

The shapes are those of the OpenAPI document (``Error`` and ``FieldErrors``):
``{"error": "not_found", "message": ...}`` and ``{"errors": {field: message}}``,
messages in the caller's language (Accept-Language or ``?lang=``).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, jsonify


def not_found(message: str) -> tuple[Response, int]:
    return jsonify(error="not_found", message=str(message)), 404


def field_errors(errors: Mapping[str, object]) -> tuple[Response, int]:
    """422 with one message per field, e.g. ``{"errors": {"from": "Use the form YYYY-MM-DD."}}``."""
    return jsonify(errors={field: str(message) for field, message in errors.items()}), 422
