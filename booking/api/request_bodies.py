"""Reading a request's JSON body into its model of :mod:`booking.api.request_models`.

A body that is not a JSON object is refused as a whole (``body``); otherwise
each refused field is named with its message in the caller's language, the
shape of the 422 answer of :func:`booking.api.json_errors.field_errors`.
"""

from __future__ import annotations

from typing import TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from booking.api.request_models import refused_fields

#: Bodies larger than this are refused before parsing (413).
MAX_BODY_BYTES = 16 * 1024

Body = TypeVar("Body", bound=BaseModel)


def read_body(model: type[Body]) -> tuple[Body | None, dict[str, str]]:
    """The body as ``model``, or None and the translated message of each refused field."""
    request.max_content_length = MAX_BODY_BYTES
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        return None, {"body": _("Send a JSON object.")}
    try:
        return model.model_validate(body), {}
    except ValidationError as error:
        refused = refused_fields(model, error)
        return None, {field: _(message) for field, message in refused.items()}
