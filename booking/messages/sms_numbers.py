"""Which phone numbers get an SMS: one rule for the outbox, the desk and the scheduler.

A number takes an SMS when it is a valid mobile number of any country, written
in E.164 (``+46701234567``), which is how bookings store numbers and what the
SMS gateway takes.  A Swedish or an Estonian mobile gets the confirmation like a
Finnish one; a landline, a service number (0600, 020…) or a number outside any
numbering plan (the unallocated +358 49 range) never does.

Countries whose numbering plans do not tell a mobile from a landline (the United
States and Canada, Denmark, Mexico…) give ``FIXED_LINE_OR_MOBILE``; such
numbers get the SMS too, since refusing them would leave every mobile of those
countries without one.  Should one be a landline after all, the gateway reports
the SMS undelivered and the message goes by e-mail instead.  Finnish numbers are
always one or the other, so a Finnish landline never gets an SMS.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

SMS_NUMBER_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def sms_capable(phone_e164: str | None) -> bool:
    """True when an SMS may be sent to ``phone_e164`` (see the module's rule)."""
    if not phone_e164 or not phone_e164.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(phone_e164, None)
    except phonenumbers.NumberParseException:
        return False
    written_as_e164 = (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone_e164
    )
    return (
        written_as_e164
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in SMS_NUMBER_TYPES
    )
