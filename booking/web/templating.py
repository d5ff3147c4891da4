"""Template globals and filters: localised names, Helsinki dates and times."""

from __future__ import annotations

from flask import Flask, request, url_for

from booking.web.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    calendar_date,
    current_language,
    local_date,
    local_short_date,
    local_time,
    localized,
    wall_clock,
)


def url_for_language(language: str) -> str:
    args = dict(request.view_args or {})
    query = request.args.to_dict()
    query["lang"] = language
    if request.endpoint is None:
        return url_for("public.index", lang=language)
    return url_for(request.endpoint, **args, **query)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_language=current_language,
        localized=localized,
        url_for_language=url_for_language,
    )
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_short_date"] = local_short_date
    app.jinja_env.filters["calendar_date"] = calendar_date
    app.jinja_env.filters["wall_clock"] = wall_clock
