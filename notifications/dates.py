"""Helsinki wall time for messages: short dates and clock times in fi, sv and en.

Own small tables instead of CLDR formats: an SMS must stay short and its text
must not change under a library upgrade (the snapshot tests pin it).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tor", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


def clock(moment: datetime, language: str) -> str:
    """Helsinki clock time: ``10.00`` in Finnish and Swedish, ``10:00`` in English."""
    local = in_helsinki(moment)
    separator = ":" if language == "en" else "."
    return f"{local.hour:02d}{separator}{local.minute:02d}"


def when(moment: datetime, language: str) -> str:
    """Date and time together: ``ti 31.3.2026 klo 10.00``."""
    local = in_helsinki(moment)
    at = {"fi": "klo", "sv": "kl.", "en": "at"}[language]
    return f"{short_date(local.date(), language)} {at} {clock(moment, language)}"
