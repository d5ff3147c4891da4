"""The citizen's details: checked and normalised before anything is stored.

Pure: no Flask, no database.  Error messages are English msgids marked with
:func:`~booking.appointments.errors.N_`; the web layer translates them in the
user's language (``booking.web.refusals``).  Never the personal identity code:
the agency checks a photo ID at the point, so there is no field for it here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from booking.appointments.errors import N_
from booking.messages.sms_numbers import sms_capable

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 120
PHONE_MAX_LENGTH = 32  # as typed, with spaces; stored E.164 is at most 16
EMAIL_MAX_LENGTH = 254
TOPIC_MAX_LENGTH = 40  # a topic key of the agency's list
NEEDS_MAX_LENGTH = 500
INTERPRETER_LANGUAGE_MAX_LENGTH = 40
CANCEL_REASON_MAX_LENGTH = 500
LANGUAGES = ("fi", "sv", "en")

NOT_AN_SMS_NUMBER = N_(
    "This number cannot receive our text messages. Please give a mobile number, or leave "
    "the number out and give your e-mail address: the code then comes by e-mail."
)
NO_CONTACT = N_(
    "Please give a mobile number, or an e-mail address if you have no mobile number "
    "that receives text messages."
)
#: Characters allowed in a name besides letters (and combining marks).
_NAME_PUNCTUATION = frozenset(" -'’.")
#: Combining marks one letter may carry after NFC; more only garble the text around it.
MAX_COMBINING_MARKS = 3

#: Topic categories per agency: key → English label (translate at the edge).
TOPICS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "kela": (
        ("benefits", N_("Benefits and allowances")),
        ("families", N_("Families with children")),
        ("housing", N_("Housing allowance")),
        ("health", N_("Illness and rehabilitation")),
        ("pension", N_("Pensions")),
        ("other", N_("Something else")),
    ),
    "vero": (
        ("tax-card", N_("Tax card and tax rate")),
        ("tax-return", N_("Tax return and decision")),
        ("inheritance", N_("Inheritance and gift tax")),
        ("other", N_("Something else")),
    ),
    "poliisi": (
        ("passport", N_("Passport and identity card")),
        ("licence", N_("Permits and licences")),
        ("other", N_("Something else")),
    ),
    "dvv": (
        ("guardianship", N_("Guardianship")),
        ("marriage", N_("Marriage and family")),
        ("certificate", N_("Certificates and extracts")),
        ("estate", N_("Estates")),
        ("other", N_("Something else")),
    ),
    "oikeusapu": (
        ("legal-aid", N_("Legal aid")),
        ("debt", N_("Debt and financial advice")),
        ("other", N_("Something else")),
    ),
    "tyollisyys": (
        ("jobseeker", N_("Registering as a jobseeker")),
        ("career", N_("Career and training")),
        ("other", N_("Something else")),
    ),
}
#: Topics for an agency without its own list.
GENERAL_TOPICS: tuple[tuple[str, str], ...] = (("other", N_("Something else")),)


class DetailError(ValueError):
    """One field is not acceptable. ``msgid`` is an English msgid: translate it."""

    def __init__(self, field: str, msgid: str):
        super().__init__(f"{field}: {msgid}")
        self.field = field
        self.msgid = msgid


class InvalidDetails(ValueError):
    """Several fields are not acceptable: ``errors`` maps each field to a msgid."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__(", ".join(sorted(errors)))
        self.errors = dict(errors)


class FieldChecks:
    """Checks several fields at once: ``check(field, normalize, *args)`` returns the
    normalised value, or None and remembers the refusal; ``raise_refusals()`` then
    raises :class:`InvalidDetails` naming every bad field, if any."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def __call__(self, field: str, normalize, *args):
        try:
            return normalize(*args)
        except DetailError as error:
            self.errors[field] = error.msgid
            return None

    def refuse(self, field: str, msgid: str) -> None:
        self.errors[field] = msgid

    def raise_refusals(self) -> None:
        if self.errors:
            raise InvalidDetails(self.errors)


@dataclass(frozen=True)
class CitizenDetails:
    name: str
    phone: str | None  # E.164
    email: str | None
    language: str
    topic: str
    needs: str
    interpreter_language: str | None


def topics_for(agency_id: str) -> tuple[tuple[str, str], ...]:
    """The topic categories of an agency, as (key, English label) pairs."""
    return TOPICS.get(agency_id, GENERAL_TOPICS)


def _parse_phone(raw: object, field: str) -> phonenumbers.PhoneNumber:
    if not isinstance(raw, str) or not raw.strip():
        raise DetailError(field, N_("Please give a phone number."))
    if len(raw) > PHONE_MAX_LENGTH:
        raise DetailError(field, N_("This phone number is too long."))
    try:
        number = phonenumbers.parse(raw, "FI")
    except phonenumbers.NumberParseException as error:
        raise DetailError(field, N_("This does not look like a phone number.")) from error
    if not phonenumbers.is_valid_number(number):
        raise DetailError(field, N_("This does not look like a phone number."))
    return number


def normalize_mobile(raw: object, field: str = "phone") -> str:
    """A mobile number that takes our text messages, as E.164 (``+358401234567``,
    ``+46701234567``): the code and the confirmation go there.  Finnish or foreign,
    ``booking.messages.sms_numbers.sms_capable`` decides.

    Raises :class:`DetailError` for landlines, the 049 range, service numbers and
    anything that is not a phone number."""
    number = _parse_phone(raw, field)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not sms_capable(e164):
        raise DetailError(field, NOT_AN_SMS_NUMBER)
    return e164


def normalize_online_contact(phone: object, email: str | None, field: str = "phone") -> str | None:
    """An online booking's number: a mobile that takes our text messages — or none at
    all when an e-mail address is given, which then receives the code instead."""
    if email and (phone is None or (isinstance(phone, str) and not phone.strip())):
        return None
    if phone is None or (isinstance(phone, str) and not phone.strip()):
        raise DetailError(field, NO_CONTACT)
    return normalize_mobile(phone, field)


def normalize_phone_any(raw: object, field: str = "phone") -> str | None:
    """Any valid phone number (a landline too) as E.164, or None when none was given.

    For bookings made at the desk, where the citizen gets a printed slip."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = _parse_phone(raw, field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _too_many_combining_marks(text: str) -> bool:
    run = 0
    for character in text:
        run = run + 1 if unicodedata.category(character).startswith("M") else 0
        if run > MAX_COMBINING_MARKS:
            return True
    return False


def normalize_name(raw: object, field: str = "name") -> str:
    if not isinstance(raw, str):
        raise DetailError(field, N_("Please give your name."))
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if len(name) < NAME_MIN_LENGTH:
        raise DetailError(field, N_("Please give your name."))
    if len(name) > NAME_MAX_LENGTH:
        raise DetailError(field, N_("The name is too long (at most 120 characters)."))
    for character in name:
        if not (character.isalpha() or character in _NAME_PUNCTUATION):
            if unicodedata.category(character).startswith("M"):
                continue
            raise DetailError(
                field, N_("A name may have letters, spaces, hyphens and apostrophes only.")
            )
    if _too_many_combining_marks(name):
        raise DetailError(field, N_("Please use fewer accent marks on one letter."))
    return name


def normalize_email(raw: object, field: str = "email") -> str | None:
    """An e-mail address in its normal form, or None when none was given."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise DetailError(field, N_("This does not look like an e-mail address."))
    if len(raw.strip()) > EMAIL_MAX_LENGTH:
        raise DetailError(field, N_("The e-mail address is too long."))
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise DetailError(field, N_("This does not look like an e-mail address.")) from error
    return result.normalized


def normalize_language(raw: object, field: str = "language") -> str:
    if raw not in LANGUAGES:
        raise DetailError(field, N_("Please choose Finnish, Swedish or English."))
    return str(raw)


def normalize_topic(raw: object, agency_id: str | None, field: str = "topic") -> str:
    """A topic key of the agency's list, or '' when none was chosen."""
    if raw is None or raw == "":
        return ""
    keys = {key for key, _label in topics_for(agency_id or "")}
    if not isinstance(raw, str) or raw not in keys:
        raise DetailError(field, N_("Please choose a topic from the list."))
    return raw


def normalize_free_text(raw: object, limit: int, field: str) -> str:
    """Free text (needs, a cancel reason): trimmed, at most ``limit`` characters,
    no markup characters, control characters or invisible formatting characters
    (category Cf: bidi overrides that would make staff read the text in another
    order, zero-width characters), and few combining marks on one letter."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise DetailError(field, N_("Please write plain text."))
    text = unicodedata.normalize("NFC", raw).strip()
    if len(text) > limit:
        raise DetailError(field, N_("This text is too long."))
    if "<" in text or ">" in text:
        raise DetailError(field, N_("Please leave out the characters < and >."))
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise DetailError(field, N_("Please write plain text."))
    if any(unicodedata.category(c) == "Cf" for c in text):
        raise DetailError(field, N_("Please leave out invisible formatting characters."))
    if _too_many_combining_marks(text):
        raise DetailError(field, N_("Please use fewer accent marks on one letter."))
    return text


def normalize_interpreter_language(raw: object, field: str = "interpreter_language") -> str | None:
    if raw is None or raw == "":
        return None
    text = normalize_free_text(raw, INTERPRETER_LANGUAGE_MAX_LENGTH, field)
    return text or None


def clean_citizen_details(
    *,
    name: object,
    phone: object,
    email: object = None,
    language: object = "fi",
    topic: object = "",
    needs: object = "",
    interpreter_language: object = None,
    agency_id: str | None = None,
    mobile_required: bool = True,
) -> CitizenDetails:
    """Every field checked at once; raises :class:`InvalidDetails` naming each bad one.

    ``mobile_required``: online and API bookings need a mobile number that takes our
    text messages, or else an e-mail address; at the desk (False) a landline or no
    number at all is accepted."""
    check = FieldChecks()
    email = check("email", normalize_email, email)
    details = CitizenDetails(
        name=check("name", normalize_name, name),
        phone=(
            check("phone", normalize_online_contact, phone, email)
            if mobile_required
            else check("phone", normalize_phone_any, phone)
        ),
        email=email,
        language=check("language", normalize_language, language),
        topic=check("topic", normalize_topic, topic, agency_id),
        needs=check("needs", normalize_free_text, needs, NEEDS_MAX_LENGTH, "needs"),
        interpreter_language=check(
            "interpreter_language", normalize_interpreter_language, interpreter_language
        ),
    )
    check.raise_refusals()
    return details
