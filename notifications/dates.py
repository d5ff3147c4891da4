"""Helsinki wall time for messages: short dates and clock times in fi, sv and en.

Own small tables instead of CLDR formats: an SMS must stay short and its text
must not change under a library upgrade (the snapshot tests pin it).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tor", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The word before a clock time: "klo 9.00", "kl. 9.00", "at 9:00".
AT = {"fi": "klo", "sv": "kl.", "en": "at"}


def in_helsinki(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return moment.astimezone(HELSINKI)


def short_date(day: date, language: str) -> str:
    """``ti 31.3.2026`` / ``tis 31.3.2026`` / ``Tue 31 Mar 2026``."""
    weekday = WEEKDAYS[language][day.weekday()]
    if language == "en":
        return f"{weekday} {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{weekday} {day.day}.{day.month}.{day.year}"


def wall_clock(moment: time, language: str) -> str:
    """A clock time as each language writes it: ``9.00`` and ``14.30`` in Finnish and
    Swedish, ``9:00`` and ``14:30`` in English (no leading zero on the hour)."""
    separator = ":" if language == "en" else "."
    return f"{moment.hour}{separator}{moment.minute:02d}"


def clock(moment: datetime, language: str) -> str:
    """Helsinki clock time of an aware instant, written as :func:`wall_clock` writes it."""
    return wall_clock(in_helsinki(moment).time(), language)


def when(moment: datetime, language: str) -> str:
    """Date and time together: ``ti 31.3.2026 klo 10.00``."""
    local = in_helsinki(moment)
    return f"{short_date(local.date(), language)} {AT[language]} {clock(moment, language)}"
