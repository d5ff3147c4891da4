"""Phone numbers as people read them and as ``tel:`` links dial them.

Numbers are stored in E.164 (a citizen's) or as the region file writes them (a
service point's).  People read Finnish numbers in the national form, grouped
"040 123 4567", "014 000 0101", "09 123 4567"; foreign numbers in the
international form.  A ``tel:`` link takes E.164 without spaces ("+358140000101").
"""

from __future__ import annotations

import re

import phonenumbers

FINLAND = 358


def _parsed(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, "FI")
    except phonenumbers.NumberParseException:
        return None


def phone_for_people(raw: str | None) -> str:
    """``+358401234567`` → ``040 123 4567``; what cannot be read as a number is shown as is."""
    if not raw:
        return ""
    number = _parsed(raw)
    if number is None:
        return raw
    if number.country_code != FINLAND:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    digits = phonenumbers.national_significant_number(number)
    # The area or operator code ("40", "14", "9"); numbers the library does not know
    # (such as made-up ones) still split after the usual two digits, or one for Helsinki.
    code_length = phonenumbers.length_of_national_destination_code(number)
    if code_length == 0:
        code_length = 1 if digits.startswith("9") else 2
    code, subscriber = digits[:code_length], digits[code_length:]
    if len(subscriber) > 5:
        subscriber = f"{subscriber[:-4]} {subscriber[-4:]}"
    return f"0{code} {subscriber}".strip()


def phone_uri(raw: str | None) -> str:
    """The ``tel:`` link of a number: ``tel:+358140000101``."""
    if not raw:
        return ""
    number = _parsed(raw)
    if number is None:
        return "tel:" + re.sub(r"[^\d+]", "", raw)
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
