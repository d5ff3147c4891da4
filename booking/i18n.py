"""Language choice (fi, sv, en) and localised names of things.

The language comes from ``?lang=`` (remembered in the session), then the
session, then the browser's Accept-Language, then Finnish.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time
from flask import current_app, request, session

from booking.clock import to_helsinki

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "fi"
    )


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "fi"


def localized(thing: object, field: str = "name", language: str | None = None) -> str:
    """``thing.name_<lang>``, falling back to Finnish (municipalities have no English name)."""
    language = language or current_language()
    value = getattr(thing, f"{field}_{language}", None)
    return value or getattr(thing, f"{field}_fi")


def local_date(moment: datetime, language: str | None = None, fmt: str = "full") -> str:
    language = language or current_language()
    return format_date(to_helsinki(moment).date(), format=fmt, locale=language)


def local_time(moment: datetime, language: str | None = None) -> str:
    language = language or current_language()
    return format_time(to_helsinki(moment).time(), format="HH:mm", locale=language)
