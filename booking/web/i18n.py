"""Language choice (fi, sv, en), localised names of things, dates and clock times.

The language comes from ``?lang=`` (remembered in the session), then the
session, then the browser's Accept-Language (on staff pages: the account's
language instead), then Finnish.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_skeleton
from flask import current_app, request, session

from booking.engine.clock import to_helsinki
from notifications.dates import AT, clock, wall_clock

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


def shown_language(thing: object, field: str = "name", language: str | None = None) -> str:
    """The language :func:`localized` text is in, for its ``lang`` attribute: a Finnish
    name shown on an English page is hyphenated and read out as Finnish."""
    language = language or current_language()
    return language if getattr(thing, f"{field}_{language}", None) else "fi"


def local_date(moment: datetime, language: str | None = None, fmt: str = "full") -> str:
    """The Helsinki date of an instant: "tiistai 3. maaliskuuta 2026"."""
    language = language or current_language()
    return format_date(to_helsinki(moment).date(), format=fmt, locale=language)


def local_short_date(moment: datetime, language: str | None = None, *, year: bool = False) -> str:
    """A short weekday and date in Helsinki time: "pe 19.6.", "fre 19 juni", "Fri, Jun 19";
    with ``year``: "pe 19.6.2026", "fre 19 juni 2026", "Fri, Jun 19, 2026"."""
    language = language or current_language()
    return format_skeleton("yMMMEd" if year else "MMMEd", to_helsinki(moment), locale=language)


def calendar_date(day: date, language: str | None = None, fmt: str = "full") -> str:
    """A local calendar date (no instant behind it), e.g. "perjantai 19. kesäkuuta 2026"."""
    return format_date(day, format=fmt, locale=language or current_language())


def clock_time(
    moment: datetime | time, language: str | None = None, *, seconds: bool = False
) -> str:
    """The one way the web writes a clock time: "9.00" and "14.30" in Finnish and Swedish,
    "9:00" and "14:30" in English, as the SMS and e-mails do.  An aware instant is shown
    in Helsinki time; a ``time`` (an opening hour) as it is.  With ``seconds`` (the audit
    log): "9.00.07" / "9:00:07"."""
    language = language or current_language()
    if isinstance(moment, datetime):
        text = clock(moment, language)
        moment = to_helsinki(moment)
    else:
        text = wall_clock(moment, language)
    if not seconds:
        return text
    separator = ":" if language == "en" else "."
    return f"{text}{separator}{moment.second:02d}"


def clock_span(starts: datetime | time, ends: datetime | time, language: str | None = None) -> str:
    """From–to with an en dash: "9.00–11.30" / "9:00–11:30"."""
    return f"{clock_time(starts, language)}–{clock_time(ends, language)}"


#: The examples the hours forms give: one interval, and a day with a lunch gap.
EXAMPLE_HOURS = ((time(8), time(12)),)
EXAMPLE_DAY = ((time(8), time(11, 30)), (time(12, 30), time(16)))


def hours_text(intervals, language: str | None = None) -> str:
    """A day's hours as the language writes them, intervals apart by commas:
    "8.00–11.30, 12.30–16.00" / "8:00–11:30, 12:30–16:00" (what the hours forms read)."""
    return ", ".join(clock_span(starts, ends, language) for starts, ends in intervals)


def date_and_time(
    moment: datetime,
    language: str | None = None,
    *,
    until: datetime | None = None,
    short: bool = False,
    year: bool = False,
    seconds: bool = False,
) -> str:
    """Day and clock time of an instant: "tiistai 3. maaliskuuta 2026 klo 9.00",
    "tisdag 3 mars 2026 kl. 9.00", "Tuesday, March 3, 2026 at 9:00"; with ``until``
    a span ("klo 9.00–9.30"); ``short``: "ti 3.3. klo 9.00", with ``year`` too
    "ti 3.3.2026 klo 9.00"; ``seconds`` adds them ("klo 9.00.07", the audit log)."""
    language = language or current_language()
    day = local_short_date(moment, language, year=year) if short else local_date(moment, language)
    if until:
        clock_text = clock_span(moment, until, language)
    else:
        clock_text = clock_time(moment, language, seconds=seconds)
    return f"{day} {AT[language]} {clock_text}"
