"""Template helpers of the booking flow's month view: the month's name and the weekdays.

Dates, clock times and phone numbers have their one formatting each in
``booking.web.i18n`` and ``booking.web.phone_display``, shared by every page.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, get_day_names

from booking.public.blueprint import bp
from booking.web.i18n import current_language


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
