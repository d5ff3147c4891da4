"""The JSON bodies the API accepts, as pydantic models: they parse requests and,
through :mod:`booking.api.openapi`, describe them.

Pydantic checks the shape: which fields there are, their types and lengths.
What a value means (a mobile number that takes text messages, the letters of a name, a topic of
the service's agency, a bookable start) is checked by the use cases in
:mod:`booking.appointments`.  Each field carries its :class:`Refusals`: the
message (an English msgid, translated at the edge) that the caller reads when
pydantic refuses it, the same words the use cases use for the same fault.
Unknown fields are refused, so that a misspelt optional field is not silently
dropped.  No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from booking.appointments.citizen_details import (
    CANCEL_REASON_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    INTERPRETER_LANGUAGE_MAX_LENGTH,
    LANGUAGES,
    N_,
    NAME_MAX_LENGTH,
    NAME_MIN_LENGTH,
    NEEDS_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
)
from booking.engine.clock import HELSINKI

REQUIRED = N_("This field is required.")
PLAIN_TEXT = N_("Please write plain text.")
NOT_AN_INSTANT = N_("Give the time in ISO 8601 with its offset.")
UNKNOWN_FIELD = N_("There is no such field.")
TOO_LONG_TEXT = N_("This text is too long.")

#: An ISO 8601 instant is short; anything longer is not one.
MAX_START_LENGTH = 40
#: A code is 6 digits; a few spaces between them are forgiven.
CODE_MAX_LENGTH = 12
#: Years outside these are typing mistakes, refused before any date arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2200


@dataclass(frozen=True)
class Refusals:
    """What the caller reads when pydantic refuses a field, by kind of fault.

    ``wrong`` answers for a missing field, a wrong type or blank text; the
    others for text too short or too long, a value not among the choices and
    text holding U+0000 (which PostgreSQL text cannot hold)."""

    wrong: str
    too_short: str | None = None
    too_long: str | None = None
    not_a_choice: str | None = None
    not_plain: str = PLAIN_TEXT

    def message(self, kind: str) -> str:
        # A length checked after a BeforeValidator is reported as plain too_short/too_long.
        by_kind = {
            "too_short": self.too_short,
            "string_too_short": self.too_short,
            "too_long": self.too_long,
            "string_too_long": self.too_long,
            "literal_error": self.not_a_choice,
            "control_character": self.not_plain,
        }
        return by_kind.get(kind) or self.wrong


def _text(raw: object) -> str:
    if not isinstance(raw, str):
        raise PydanticCustomError("string_type", "Expected text")
    if "\x00" in raw:
        raise PydanticCustomError("control_character", "Text may not hold U+0000")
    return raw


def required_text(raw: object) -> str:
    """Text with something besides white space in it."""
    if isinstance(raw, str) and not raw.strip():
        raise PydanticCustomError("blank", "Text is blank")
    return _text(raw)


def optional_text(raw: object) -> str | None:
    return None if raw is None else _text(raw)


def parse_start(raw: object) -> datetime | None:
    """An aware instant from ISO 8601 with an offset (or Z); None when it is not one,
    or lies outside the years a booking can be about."""
    if not isinstance(raw, str) or not 16 <= len(raw) <= MAX_START_LENGTH:
        return None
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None or moment.utcoffset() is None:
            return None
        moment.astimezone(UTC), moment.astimezone(HELSINKI)  # representable both ways
    except (ValueError, OverflowError):
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return moment


def instant(raw: object) -> datetime:
    moment = parse_start(raw)
    if moment is None:
        raise PydanticCustomError("instant", "Expected ISO 8601 with an offset")
    return moment


Instant = Annotated[
    datetime,
    BeforeValidator(instant),
    Field(
        description="ISO 8601 with an offset (the Helsinki one in answers).",
        examples=["2026-03-30T09:15:00+03:00"],
    ),
    Refusals(NOT_AN_INSTANT),
]


def required_text_field(
    description: str, example: str, refusals: Refusals, *, min_length: int = 1, **limits: int
) -> Any:
    """The type of a required text field."""
    return Annotated[
        str,
        BeforeValidator(required_text),
        Field(description=description, examples=[example], min_length=min_length, **limits),
        refusals,
    ]


def optional_text_field(
    description: str, example: str, max_length: int, too_long: str, **schema: str
) -> Any:
    """The type of an optional text field: null or absent is no text."""
    return Annotated[
        Annotated[str, Field(max_length=max_length, json_schema_extra=schema or None)] | None,
        BeforeValidator(optional_text),
        Field(description=description, examples=[example]),
        Refusals(PLAIN_TEXT, too_long=too_long),
    ]


PointId = required_text_field(
    "A service point id from GET /points.", "jyvaskyla-korpilahti", Refusals(REQUIRED)
)
ServiceId = required_text_field(
    "A service id offered at the point (GET /points).", "kela-benefits", Refusals(REQUIRED)
)
Name = required_text_field(
    "The citizen's name: letters, spaces, hyphens and apostrophes.",
    "Maija Meikäläinen",
    Refusals(
        REQUIRED,
        too_short=N_("Please give your name."),
        too_long=N_("The name is too long (at most 120 characters)."),
    ),
    min_length=NAME_MIN_LENGTH,
    max_length=NAME_MAX_LENGTH,
)
Phone = optional_text_field(
    "A mobile number that takes text messages, Finnish or foreign (040…, +46…); "
    "the code and the SMS go there. May be left out when `email` is given: the code "
    "and every message then go by e-mail.",
    "040 123 4567",
    PHONE_MAX_LENGTH,
    N_("This phone number is too long."),
)
Language = Annotated[
    Literal[LANGUAGES],
    BeforeValidator(required_text),
    Field(description="The language of the messages sent to the citizen.", examples=["fi"]),
    Refusals(REQUIRED, not_a_choice=N_("Please choose Finnish, Swedish or English.")),
]
Email = optional_text_field(
    "For the confirmation and the calendar file by e-mail; without `phone`, the code "
    "and every message go here.",
    "maija@example.fi",
    EMAIL_MAX_LENGTH,
    N_("The e-mail address is too long."),
    format="email",
)
Topic = optional_text_field(
    "A topic key of the service's agency.",
    "housing",
    TOPIC_MAX_LENGTH,
    N_("Please choose a topic from the list."),
)
Needs = optional_text_field(
    "Accessibility or other needs, for the staff; no < or >.",
    "I use a wheelchair.",
    NEEDS_MAX_LENGTH,
    TOO_LONG_TEXT,
)
InterpreterLanguage = optional_text_field(
    "The language an interpreter is needed for, if any.",
    "Arabic",
    INTERPRETER_LANGUAGE_MAX_LENGTH,
    TOO_LONG_TEXT,
)
CancelReason = optional_text_field(
    "Free text for the staff; no < or >.",
    "I got it sorted.",
    CANCEL_REASON_MAX_LENGTH,
    TOO_LONG_TEXT,
)

Code = required_text_field(
    "The 6-digit code sent by SMS to the booking's mobile number (by e-mail to its "
    "address when it was booked without one).",
    "123456",
    Refusals(REQUIRED, too_long=N_("Please type the 6 digits of the code.")),
    max_length=CODE_MAX_LENGTH,
)


class RequestBody(BaseModel):
    """The common rules: no unknown fields, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class NewAppointment(RequestBody):
    """A booking: where, what, when and who; reached by ``phone``, or by ``email`` alone
    (whether one of them is there, and usable, is the use case's check)."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}
    )

    point: PointId
    service: ServiceId
    start: Instant
    name: Name
    phone: Phone = None
    language: Language
    email: Email = None
    topic: Topic = None
    needs: Needs = None
    interpreter_language: InterpreterLanguage = None


class Move(RequestBody):
    """The new start of an appointment."""

    start: Instant


class Cancel(RequestBody):
    """Why the appointment is cancelled; the whole body is optional."""

    reason: CancelReason = None


class ConfirmCode(RequestBody):
    """The code sent by SMS to the number of a held booking."""

    code: Code


def refused_fields(model: type[BaseModel], error: ValidationError) -> dict[str, str]:
    """Field name → English msgid, one per refused field (its first fault)."""
    messages: dict[str, str] = {}
    for fault in error.errors(include_url=False, include_input=False):
        field = str(fault["loc"][0]) if fault["loc"] else "body"
        if field in messages:
            continue
        if fault["type"] == "extra_forbidden":
            messages[field] = UNKNOWN_FIELD
            continue
        refusals = refusals_of(model, field)
        messages[field] = refusals.message(fault["type"]) if refusals else REQUIRED
    return messages


def refusals_of(model: type[BaseModel], field: str) -> Refusals | None:
    info = model.model_fields.get(field)
    if info is None:
        return None
    return next((item for item in info.metadata if isinstance(item, Refusals)), None)
