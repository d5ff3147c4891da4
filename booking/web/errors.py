"""Error pages and JSON errors: a clear message in the user's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from booking.data.calendar_signal import SignalUnreachable
from booking.web.secret_paths import mask_secrets


def wants_json() -> bool:
    return request.path.startswith("/api/")


def refuse_nul_characters() -> None:
    """``before_request``: 400 for U+0000 anywhere in a page's path, query or form.

    PostgreSQL cannot hold that character in text and would answer with an
    error; refusing it first keeps such input from ever becoming a 500.  The
    JSON API checks its own input and names the field (404 or 422).
    """
    if wants_json():
        return
    values = [request.path]
    for source in (request.args, request.form):
        for _name, items in source.lists():
            values.extend(items)
    if any("\x00" in value for value in values):
        abort(400)


def refuse_large_bodies() -> None:
    """``before_request``: 413 for a declared body over ``MAX_CONTENT_LENGTH``, unread.

    Werkzeug refuses such a body only when a view reads it; this refuses it for
    every view, before anything else happens."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_large_bodies)
    app.before_request(refuse_nul_characters)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("The form had expired or was sent from elsewhere. Please try again.")
        if wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("error.html", title=_("Please try again"), message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        titles = {
            400: _("The request could not be read"),
            404: _("Page not found"),
            403: _("No access"),
            405: _("Not allowed"),
            413: _("The request was too large"),
            415: _("Send the body as JSON, with Content-Type: application/json."),
            429: _("Too many attempts"),
        }
        title = titles.get(error.code or 500, _("Something went wrong"))
        if wants_json():
            return jsonify(error=error.name.lower().replace(" ", "_"), message=title), error.code
        return render_template("error.html", title=title, message=""), error.code

    @app.errorhandler(SignalUnreachable)
    def signal_unreachable(error: SignalUnreachable):
        # A server set up against the registered calendar signal: nothing was saved.
        app.logger.error("change refused on %s: %s", mask_secrets(request.path), error)
        return _not_completed("unavailable", 503)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, mask_secrets(request.path))
        return _not_completed("internal", 500)


def _not_completed(error: str, status: int):
    """The answer to a request that was not completed, in the user's language."""
    title = _("Something went wrong")
    if wants_json():
        return jsonify(error=error, message=title), status
    message = _("Your request was not completed. Please try again in a moment.")
    return render_template("error.html", title=title, message=message), status
