"""Template globals and filters: localised names, Helsinki dates, clock times, phone numbers."""

from __future__ import annotations

from flask import Flask, request, url_for
from markupsafe import Markup

from booking.web.audit_display import shown_detail
from booking.web.i18n import (
    EXAMPLE_DAY,
    EXAMPLE_HOURS,
    LANGUAGE_NAMES,
    LANGUAGES,
    calendar_date,
    clock_span,
    clock_time,
    current_language,
    date_and_time,
    hours_text,
    local_date,
    local_short_date,
    localized,
    shown_language,
)
from booking.web.phone_display import phone_for_people, phone_uri


def url_for_language(language: str) -> str:
    args = dict(request.view_args or {})
    query = request.args.to_dict()
    query["lang"] = language
    if request.endpoint is None:
        return url_for("public.index", lang=language)
    return url_for(request.endpoint, **args, **query)


def lang_of(thing: object, field: str = "name") -> Markup:
    """`` lang="fi"`` on an element whose localized name fell back to Finnish, else nothing."""
    language = shown_language(thing, field)
    return Markup(' lang="{}"').format(language) if language != current_language() else Markup("")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_language=current_language,
        localized=localized,
        lang_of=lang_of,
        clock_span=clock_span,
        hours_text=hours_text,
        audit_detail=shown_detail,
        EXAMPLE_HOURS=EXAMPLE_HOURS,
        EXAMPLE_DAY=EXAMPLE_DAY,
        url_for_language=url_for_language,
    )
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_short_date"] = local_short_date
    app.jinja_env.filters["calendar_date"] = calendar_date
    app.jinja_env.filters["clock"] = clock_time
    app.jinja_env.filters["date_and_time"] = date_and_time
    app.jinja_env.filters["phone_number"] = phone_for_people
    app.jinja_env.filters["tel_uri"] = phone_uri
