"""Template filters of the citizen's pages: Helsinki days, months and clock times.

Clock times are written as in the SMS and the calendar file (``10.00`` in
Finnish and Swedish, ``10:00`` in English), so every place says the same.
"""

from __future__ import annotations

from datetime import date, datetime

import phonenumbers
from babel.dates import format_date, get_day_names

from booking.public.blueprint import bp
from booking.web.i18n import current_language
from notifications.dates import clock


@bp.app_template_filter("clock")
def clock_filter(moment: datetime) -> str:
    """Helsinki clock time of an aware instant."""
    return clock(moment, current_language())


@bp.app_template_filter("long_day")
def long_day(day: date) -> str:
    """``tiistai 3. maaliskuuta 2026`` / ``Tuesday, March 3, 2026``."""
    return format_date(day, format="full", locale=current_language())


@bp.app_template_filter("month_name")
def month_name(day: date) -> str:
    """``maaliskuu 2026`` / ``mars 2026`` / ``March 2026``."""
    return format_date(day, format="LLLL yyyy", locale=current_language()).capitalize()


@bp.app_template_global("weekday_names")
def weekday_names() -> list[tuple[str, str]]:
    """(abbreviation, full name) from Monday to Sunday in the page's language."""
    language = current_language()
    short = get_day_names("abbreviated", locale=language)
    full = get_day_names("wide", locale=language)
    return [(short[index], full[index]) for index in range(7)]


@bp.app_template_filter("phone_number")
def phone_number(e164: str | None) -> str:
    """A stored E.164 number as people write it: ``+358401234567`` → ``040 1234567``."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FI")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
