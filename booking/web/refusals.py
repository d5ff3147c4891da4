"""A use case's refusal in the user's language: the one place its msgid is translated.

The use cases raise errors that carry an English msgid marked with ``N_`` and
its named params (``booking.appointments.errors``, and the details check's
``DetailError``); every view, page or JSON, shows them through these functions,
so that a refusal reads the same wherever it is met.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext

from booking.appointments.citizen_details import InvalidDetails
from booking.appointments.errors import BookingError, DetailsRefused


def translated(msgid: str, params: Mapping[str, object] | None = None) -> str:
    """``msgid`` in the user's language, its ``%(name)s`` placeholders filled from ``params``."""
    return gettext(msgid, **(params or {}))


def refusal_text(refusal: BookingError) -> str:
    """The refusal's message, translated."""
    return translated(refusal.msgid, refusal.params)


def refusal_texts(
    refusal: BookingError | InvalidDetails, *, field: str | None = None
) -> dict[str | None, str]:
    """The refusal's messages by the field each is about: one for every bad detail of
    refused details, else the refusal's own message on its field (or on ``field``
    when the refusal names none)."""
    if isinstance(refusal, DetailsRefused | InvalidDetails):
        return {name: translated(msgid) for name, msgid in refusal.errors.items()}
    return {refusal.field or field: refusal_text(refusal)}
