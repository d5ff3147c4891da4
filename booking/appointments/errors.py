"""What can go wrong when booking, moving or cancelling: domain errors with a calm message.

Each error has a stable ``code`` and an English ``msgid`` with its named
``params``; the web layer translates it once, in the user's language
(``booking.web.refusals``).  Messages are marked with :func:`N_`, so that
``pybabel extract`` (``babel.cfg`` names the keyword) finds them.  No Flask here:
the use cases run as well in the scheduler and the command line.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(msgid: str) -> str:
    """Mark ``msgid`` for translation without translating it (done by the web layer)."""
    return msgid


class BookingError(Exception):
    """A booking, move or cancellation that cannot be done; nothing was changed.

    ``msgid`` may hold ``%(name)s`` placeholders, filled from ``params`` once translated."""

    code = "booking_error"
    field: str | None = None
    default_msgid = N_("This could not be done. Please try again.")

    def __init__(
        self,
        msgid: str | None = None,
        *,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ):
        self.msgid = msgid if msgid is not None else self.default_msgid
        self.params = dict(params or {})
        if field is not None:
            self.field = field
        super().__init__(self.code)


class SlotTaken(BookingError):
    """The time was just taken by someone else (the view offers nearby free times)."""

    code = "slot_taken"
    field = "start"
    default_msgid = N_("Sorry, this time was just taken. Please choose another time.")


class AlreadyBooked(BookingError):
    """This very form was already submitted and booked (a double click)."""

    code = "already_booked"
    field = "start"
    default_msgid = N_("This booking has already been made.")


class NotBookable(BookingError):
    """The asked time or service cannot be booked at all (``field`` names which input)."""

    code = "not_bookable"
    field = "start"


class TooManyActiveBookings(BookingError):
    """The mobile number already holds the allowed number of coming appointments."""

    code = "too_many_active"
    field = "phone"
    default_msgid = N_(
        "This mobile number already has the most upcoming appointments allowed with "
        "this agency. Please cancel one first."
    )


class InvalidTransition(BookingError):
    """The appointment's state does not allow this change (e.g. moving a cancelled one)."""

    code = "invalid_transition"
    field = "status"
    default_msgid = N_("This appointment can no longer be changed this way.")


class DetailsRefused(BookingError):
    """The citizen's details are not acceptable; ``errors`` maps fields to English msgids."""

    code = "invalid_details"

    def __init__(self, errors: Mapping[str, str]):
        super().__init__(N_("Please check the details."))
        self.errors = dict(errors)
        self.field = next(iter(self.errors), None)


class WrongCode(BookingError):
    """The code typed is not the one sent to the mobile number (the hold stays, for now)."""

    code = "wrong_code"
    field = "code"
    default_msgid = N_("The code is not right. Please check the text message and try again.")


class HoldExpired(BookingError):
    """The hold ended before the right code came: the time is free again."""

    code = "hold_expired"
    field = "code"
    default_msgid = N_(
        "The time was held for you only for a while, and that time is over. "
        "Please choose a time again."
    )


class EmailOnlyTimesTaken(BookingError):
    """The point's day has as many online bookings without a number as it takes."""

    code = "email_only_taken"
    field = "phone"
    default_msgid = N_(
        "This day at this service point has no more times for bookings made with an "
        "e-mail address only. Please choose another day, give a mobile number, or call "
        "the service point."
    )


class TooManyCodes(BookingError):
    """The mobile number has been sent as many codes as it may get for now."""

    code = "too_many_codes"
    field = "phone"
    default_msgid = N_(
        "We have already sent several codes to this number. Please try again in an hour, "
        "or book at a service point."
    )


class TooManyMoves(BookingError):
    """The appointment has been moved as often as it may be in one day."""

    code = "too_many_moves"
    field = "start"
    default_msgid = N_(
        "This appointment has already been moved %(moves)s times today. Please try again "
        "tomorrow, or call the service point."
    )
