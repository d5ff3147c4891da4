"""Language choice (fi, sv, en) and localised names of things.

The language comes from ``?lang=`` (remembered in the session), then the
session, then the browser's Accept-Language (on staff pages: the account's
language instead), then Finnish.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_skeleton, format_time
from flask import current_app, request, session

from booking.engine.clock import to_helsinki

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
#: Blueprints of staff pages: these ignore the browser's language and default to Finnish.
STAFF_BLUEPRINTS = frozenset({"auth", "desk", "expert", "admin", "figures"})


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in LANGUAGES:
        return remembered
    if request.blueprint in STAFF_BLUEPRINTS:
        return staff_language()
    return request.accept_languages.best_match(LANGUAGES) or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "fi"
    )


def staff_language() -> str:
    """Staff pages speak the account's language, Finnish unless set otherwise."""
    from flask_login import current_user

    language = getattr(current_user, "language", None)
    return language if language in LANGUAGES else "fi"


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


def local_short_date(moment: datetime, language: str | None = None) -> str:
    """A short weekday and date in Helsinki time: "pe 19.6.", "fre 19 juni", "Fri, Jun 19"."""
    language = language or current_language()
    return format_skeleton("MMMEd", to_helsinki(moment), locale=language)


def calendar_date(day: date, language: str | None = None, fmt: str = "full") -> str:
    """A local calendar date (no instant behind it), e.g. "perjantai 19. kesäkuuta 2026"."""
    return format_date(day, format=fmt, locale=language or current_language())


def wall_clock(moment: time, language: str | None = None) -> str:
    """A local wall-clock time such as an opening hour, in the style of ``local_time``."""
    return format_time(moment, format="HH:mm", locale=language or current_language())
