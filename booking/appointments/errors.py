"""What can go wrong when booking, moving or cancelling: domain errors with a calm message.

Each error has a stable ``code`` for the API and a lazily translated ``message``
that the web layer shows in the user's language.  Re-exported by
:mod:`booking.appointments`, where callers import them from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Alternative:
    """A free start time offered instead of one that was just taken."""

    point_id: str
    starts_at: datetime


class BookingError(Exception):
    """A booking, move or cancellation that cannot be done; nothing was changed."""

    code = "booking_error"
    field: str | None = None

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message if message is not None else self.default_message()
        if field is not None:
            self.field = field
        super().__init__(self.code)

    def default_message(self):
        return _l("This could not be done. Please try again.")


class SlotTaken(BookingError):
    """The time was just taken by someone else; ``alternatives`` are nearby free times."""

    code = "slot_taken"
    field = "start"

    def __init__(self, alternatives: Sequence[Alternative] = (), message=None):
        super().__init__(message)
        self.alternatives = list(alternatives)

    def default_message(self):
        return _l("Sorry, this time was just taken. Please choose another time.")


class NotBookable(BookingError):
    """The asked time or service cannot be booked at all (``field`` names which input)."""

    code = "not_bookable"
    field = "start"


class TooManyActiveBookings(BookingError):
    """The mobile number already holds the allowed number of coming appointments."""

    code = "too_many_active"
    field = "phone"

    def default_message(self):
        return _l(
            "This mobile number already has the most upcoming appointments allowed with "
            "this agency. Please cancel one first."
        )


class InvalidTransition(BookingError):
    """The appointment's state does not allow this change (e.g. moving a cancelled one)."""

    code = "invalid_transition"
    field = "status"

    def default_message(self):
        return _l("This appointment can no longer be changed this way.")


class DetailsRefused(BookingError):
    """The citizen's details are not acceptable; ``errors`` maps fields to English msgids."""

    code = "invalid_details"

    def __init__(self, errors: Mapping[str, str]):
        super().__init__(_l("Please check the details."))
        self.errors = dict(errors)
        self.field = next(iter(self.errors), None)
